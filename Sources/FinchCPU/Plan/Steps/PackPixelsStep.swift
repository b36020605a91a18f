import FinchIR

/// A bipolar NHWC image packed one bit per value, each pixel's channels in
/// `wordsPerPixel` words (bit 1 = +1), for assembling XNOR convolution windows
/// without writing out the int16 im2col matrix.
final class PackedPixels: @unchecked Sendable {
  let (height, width, channels): (Int, Int, Int)
  let wordsPerPixel: Int
  let wordsPerSample: Int
  let words: UnsafeMutablePointer<UInt64>

  init(height: Int, width: Int, channels: Int, capacity: Int) {
    (self.height, self.width, self.channels) = (height, width, channels)
    wordsPerPixel = (channels + 63) / 64
    wordsPerSample = height * width * wordsPerPixel
    words = .allocate(capacity: max(1, wordsPerSample * capacity))
    words.initialize(repeating: 0, count: max(1, wordsPerSample * capacity))
  }

  deinit { words.deallocate() }

  /// Writes window `index` (sample-major) of `geometry` as one bit row (padding
  /// bits `padBit`) into `row`, which has `rowWords` words.
  @inline(__always)
  func window(_ index: Int, _ geometry: WindowGeometry, padBit: Bool, into row: UnsafeMutablePointer<UInt64>, rowWords: Int) {
    row.update(repeating: 0, count: rowWords)
    let (sample, y0, x0) = geometry.origin(ofWindow: index)
    let u = geometry.u
    let image = words + sample * wordsPerSample
    let (c, wp, h, w) = (channels, wordsPerPixel, height, width)
    var offset = 0
    for ky in 0..<u.kernel[0] {
      let iy = y0 + ky * u.dilations[0]
      for kx in 0..<u.kernel[1] {
        let ix = x0 + kx * u.dilations[1]
        let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
        let pixel = image + (iy * w + ix) * wp
        var remaining = c
        for j in 0..<wp {
          let n = min(64, remaining)
          let v = inside ? pixel[j] : (padBit ? (n == 64 ? ~0 : (1 << UInt64(n)) - 1) : 0)
          let (word, bit) = (offset >> 6, offset & 63)
          row[word] |= v << UInt64(bit)
          if bit + n > 64 { row[word + 1] |= v >> UInt64(64 - bit) }
          offset += n
          remaining -= n
        }
      }
    }
  }
}

/// Packs a bipolar NHWC value into ``PackedPixels`` (items are pixels).
final class PackPixelsStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "bit packing"
  let itemsPerSample: Int
  let costPerItem: Int
  let pixels: PackedPixels
  private let input: ValueBuffer

  init(node: String, input: ValueBuffer) throws(CPUPlanError) {
    let s = input.sampleShape
    guard input.kind == .int16, s.rank == 4 else { throw .unsupportedGraph("\(node) needs a 16-bit NHWC input") }
    self.node = node
    self.input = input
    pixels = PackedPixels(height: s[1], width: s[2], channels: s[3], capacity: input.capacity)
    itemsPerSample = s[1] * s[2]
    costPerItem = s[3]
  }

  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let c = pixels.channels, wp = pixels.wordsPerPixel
    for p in items {
      let src = input.int16 + p * c, dst = pixels.words + p * wp
      for j in 0..<wp {
        var word: UInt64 = 0
        let start = j * 64, end = min(start + 64, c)
        for k in start..<end { word |= UInt64(src[k] > 0 ? 1 : 0) << UInt64(k - start) }
        dst[j] = word
      }
    }
  }
}
