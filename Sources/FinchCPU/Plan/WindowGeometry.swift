import FinchIR

/// Where the windows of a sliding window unit come from: an NHWC image of
/// `height x width x channels` per sample and the SWU's kernel, strides, pads
/// and dilations. A window lists channel fastest, then kx, then ky.
struct WindowGeometry: Sendable {
  let u: SWU
  let (height, width, channels): (Int, Int, Int)
  let (outputHeight, outputWidth): (Int, Int)
  /// Values in one window (`kH · kW · C`).
  var windowSize: Int { u.kernel[0] * u.kernel[1] * channels }
  /// Windows per sample.
  var windowsPerSample: Int { outputHeight * outputWidth }

  /// The geometry of `u` reading `input` (one sample's NHWC shape) and writing `output`.
  init(_ u: SWU, input: Shape, output: Shape) {
    self.u = u
    (height, width, channels) = (input[1], input[2], input[3])
    (outputHeight, outputWidth) = (output[1], output[2])
  }

  /// Window `index` (sample-major): its sample and the image coordinates of its
  /// top-left tap (negative inside the padding).
  @inline(__always) func origin(ofWindow index: Int) -> (sample: Int, y: Int, x: Int) {
    let (sample, pixel) = index.quotientAndRemainder(dividingBy: windowsPerSample)
    let (y, x) = pixel.quotientAndRemainder(dividingBy: outputWidth)
    return (sample, y * u.strides[0] - u.pads[0], x * u.strides[1] - u.pads[1])
  }

  /// Writes window `index` (sample-major) of the 16-bit image `image` to `dst` (`windowSize` values).
  @inline(__always) func window(_ index: Int, of image: UnsafePointer<Int16>, into dst: UnsafeMutablePointer<Int16>) {
    let (sample, y0, x0) = origin(ofWindow: index)
    let (kh, kw, dy, dx, c) = (u.kernel[0], u.kernel[1], u.dilations[0], u.dilations[1], channels)
    let pixels = image + sample * height * width * c
    let pad = Int16(u.padValue)
    var out = dst
    for ky in 0..<kh {
      let iy = y0 + ky * dy
      for kx in 0..<kw {
        let ix = x0 + kx * dx
        if iy >= 0 && iy < height && ix >= 0 && ix < width {
          let src = pixels + (iy * width + ix) * c
          for ch in 0..<c { out[ch] = src[ch] }
        } else {
          for ch in 0..<c { out[ch] = pad }
        }
        out += c
      }
    }
  }
}
