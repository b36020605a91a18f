import FinchIR

/// Streaming max-pool on NHWC integers: each output pixel is the channel-wise
/// maximum over the window's positions inside the image (padding is never chosen).
final class MaxPoolStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "max-pool"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let kernelSize: [Int], strides: [Int], pads: [Int]
  private let (h, w, c, ow): (Int, Int, Int, Int)

  init(node: String, kernel: [Int], strides: [Int], pads: [Int], input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard input.kind == .int16, output.kind == .int16 else {
      throw .unsupportedGraph("max-pool \(node) needs integer values of at most 16 bits")
    }
    self.node = node
    self.input = input
    self.output = output
    kernelSize = kernel
    self.strides = strides
    self.pads = pads
    let s = input.sampleShape, o = output.sampleShape
    (h, w, c, ow) = (s[1], s[2], s[3], o[2])
    itemsPerSample = o[1] * o[2]
    costPerItem = kernel[0] * kernel[1] * c
  }

  /// Items are output pixels, sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    for item in items {
      let (sample, pixel) = item.quotientAndRemainder(dividingBy: itemsPerSample)
      let (y, x) = pixel.quotientAndRemainder(dividingBy: ow)
      let src = input.int16 + sample * input.sampleCount
      let dst = output.int16 + item * c
      dst.update(repeating: .min, count: c)
      for ky in 0..<kernelSize[0] {
        let iy = y * strides[0] + ky - pads[0]
        guard iy >= 0, iy < h else { continue }
        for kx in 0..<kernelSize[1] {
          let ix = x * strides[1] + kx - pads[1]
          guard ix >= 0, ix < w else { continue }
          let p = src + (iy * w + ix) * c
          for ch in 0..<c { dst[ch] = max(dst[ch], p[ch]) }
        }
      }
    }
  }
}
