import FinchIR

/// Where the windows of a sliding window unit come from: an NHWC image of
/// `height x width x channels` per sample and the SWU's kernel, strides, pads
/// and dilations. A window lists channel fastest, then kx, then ky.
///
/// Plain integers only (no arrays), so copying one costs no reference counting
/// in the per-window loops.
struct WindowGeometry: Sendable {
  let (height, width, channels): (Int, Int, Int)
  let (outputHeight, outputWidth): (Int, Int)
  let (kernelHeight, kernelWidth): (Int, Int)
  let (strideY, strideX, padTop, padLeft, dilationY, dilationX): (Int, Int, Int, Int, Int, Int)
  /// The value padded positions hold.
  let padValue: Int16
  /// Values in one window (`kH · kW · C`).
  let windowSize: Int
  /// Windows per sample.
  let windowsPerSample: Int

  /// The geometry of `u` reading `input` (one sample's NHWC shape) and writing `output`.
  init(_ u: SWU, input: Shape, output: Shape) {
    (height, width, channels) = (input[1], input[2], input[3])
    (outputHeight, outputWidth) = (output[1], output[2])
    (kernelHeight, kernelWidth) = (u.kernel[0], u.kernel[1])
    (strideY, strideX, padTop, padLeft) = (u.strides[0], u.strides[1], u.pads[0], u.pads[1])
    (dilationY, dilationX) = (u.dilations[0], u.dilations[1])
    padValue = Int16(u.padValue)
    windowSize = kernelHeight * kernelWidth * channels
    windowsPerSample = outputHeight * outputWidth
  }

  /// Calls `interior(cursor, run, i)` for each run of interior windows and
  /// `border(cursor, i)` for each other window, over windows `first ..< first + count`
  /// (`i` counts from 0 at `first`).
  @inline(__always)
  func forEachRun(
    from first: Int, count: Int, interior: (WindowCursor, Int, Int) -> Void, border: (WindowCursor, Int) -> Void
  ) {
    var cursor = WindowCursor(self, at: first)
    var i = 0
    while i < count {
      let run = cursor.interiorRun(limit: count - i)
      if run > 0 {
        interior(cursor, run, i)
        cursor.advance(by: run)
        i += run
      } else {
        border(cursor, i)
        cursor.advance()
        i += 1
      }
    }
  }

  /// Writes windows `first ..< first + count` of the 16-bit image `image` to
  /// `dst`, one every `windowSize` values.
  func windows(_ first: Int, count: Int, of image: UnsafePointer<Int16>, into dst: UnsafeMutablePointer<Int16>) {
    let (span, rowStep) = (kernelWidth &* channels, dilationY &* width &* channels)
    let (size, xStep, kh) = (windowSize, strideX &* channels, kernelHeight)
    forEachRun(from: first, count: count) { cursor, run, i in
      let pixels = image + cursor.sample &* height &* width &* channels
      var src = pixels + (cursor.top &* width &+ cursor.left) &* channels
      var out = dst + i &* size
      for _ in 0..<run {
        var (s, o) = (src, out)
        for _ in 0..<kh {
          for k in 0..<span { o[k] = s[k] }
          s += rowStep
          o += span
        }
        src += xStep
        out += size
      }
    } border: { cursor, i in
      window(cursor, of: image, into: dst + i &* size)
    }
  }

  /// Writes the window at `at` of the 16-bit image `image` to `dst` (`windowSize` values).
  @inline(__always) func window(_ at: WindowCursor, of image: UnsafePointer<Int16>, into dst: UnsafeMutablePointer<Int16>) {
    let (sample, y0, x0) = (at.sample, at.top, at.left)
    let (kh, kw, dy, dx, c) = (kernelHeight, kernelWidth, dilationY, dilationX, channels)
    let pixels = image + sample * height * width * c
    let pad = padValue
    let span = kw &* c
    let wholeRows = dx == 1 && x0 >= 0 && x0 + kw <= width
    var out = dst
    for ky in 0..<kh {
      let iy = y0 + ky * dy
      let inside = iy >= 0 && iy < height
      if inside && wholeRows {
        // The kW taps of this row are contiguous in the image.
        let src = pixels + (iy * width + x0) * c
        for i in 0..<span { out[i] = src[i] }
      } else {
        for kx in 0..<kw {
          let ix = x0 + kx * dx
          let tap = out + kx * c
          if inside && ix >= 0 && ix < width {
            let src = pixels + (iy * width + ix) * c
            for ch in 0..<c { tap[ch] = src[ch] }
          } else {
            for ch in 0..<c { tap[ch] = pad }
          }
        }
      }
      out += span
    }
  }
}

/// A position in the sequence of windows (sample-major, then output rows,
/// then output columns), stepped without a division per window.
struct WindowCursor {
  private let geometry: WindowGeometry
  private(set) var sample: Int
  private var y: Int, x: Int

  /// The cursor at window `index`.
  init(_ geometry: WindowGeometry, at index: Int) {
    self.geometry = geometry
    let pixel: Int
    (sample, pixel) = index.quotientAndRemainder(dividingBy: geometry.windowsPerSample)
    (y, x) = pixel.quotientAndRemainder(dividingBy: geometry.outputWidth)
  }

  /// Image row of the window's top taps (negative inside the padding).
  var top: Int { y * geometry.strideY - geometry.padTop }
  /// Image column of the window's left taps (negative inside the padding).
  var left: Int { x * geometry.strideX - geometry.padLeft }

  /// How many windows from here on (at most `limit`, within this output row)
  /// lie wholly inside the image with contiguous rows (unit horizontal
  /// dilation); 0 at a border window.
  func interiorRun(limit: Int) -> Int {
    let g = geometry
    guard g.dilationX == 1, top >= 0, top + (g.kernelHeight - 1) * g.dilationY < g.height else { return 0 }
    let firstX = (g.padLeft + g.strideX - 1) / g.strideX
    let lastX = (g.width - g.kernelWidth + g.padLeft) / g.strideX
    guard x >= firstX, x <= lastX else { return 0 }
    return min(limit, lastX - x + 1, g.outputWidth - x)
  }

  /// Moves `n` windows on within this output row (`n` from ``interiorRun(limit:)``).
  @inline(__always) mutating func advance(by n: Int) {
    x += n - 1
    advance()
  }

  /// Moves to the next window.
  @inline(__always) mutating func advance() {
    x += 1
    if x == geometry.outputWidth {
      x = 0
      y += 1
      if y == geometry.outputHeight {
        y = 0
        sample += 1
      }
    }
  }
}
