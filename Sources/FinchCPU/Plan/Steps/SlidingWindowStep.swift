import FinchIR

/// A sliding window unit on the CPU (im2col): for each output pixel, the
/// `kH x kW x C` window in NHWC order (channel fastest, then kx, then ky), with
/// the pad value outside the image.
final class SlidingWindowStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "im2col"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let u: SWU
  private let (h, w, c, oh, ow): (Int, Int, Int, Int, Int)
  private let pad: Int16

  init(node: String, attributes u: SWU, input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard input.kind == .int16, output.kind == .int16 else {
      throw .unsupportedGraph("SWU \(node) needs integer values of at most 16 bits")
    }
    self.node = node
    self.u = u
    self.input = input
    self.output = output
    let s = input.sampleShape, o = output.sampleShape
    (h, w, c, oh, ow) = (s[1], s[2], s[3], o[1], o[2])
    pad = Int16(u.padValue)
    itemsPerSample = oh * ow
    costPerItem = o[3]
  }

  /// Items are output pixels, sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let window = u.kernel[0] * u.kernel[1] * c
    for item in items {
      let (sample, pixel) = item.quotientAndRemainder(dividingBy: itemsPerSample)
      let (y, x) = pixel.quotientAndRemainder(dividingBy: ow)
      let src = input.int16 + sample * input.sampleCount
      var dst = output.int16 + item * window
      for ky in 0..<u.kernel[0] {
        let iy = y * u.strides[0] - u.pads[0] + ky * u.dilations[0]
        for kx in 0..<u.kernel[1] {
          let ix = x * u.strides[1] - u.pads[1] + kx * u.dilations[1]
          if iy >= 0 && iy < h && ix >= 0 && ix < w {
            dst.update(from: src + (iy * w + ix) * c, count: c)
          } else {
            dst.update(repeating: pad, count: c)
          }
          dst += c
        }
      }
    }
  }
}
