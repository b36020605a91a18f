import FinchIR

/// Streaming max-pool on NHWC integers: each output pixel is the channel-wise
/// maximum over its window (no padding).
final class MaxPoolStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "max-pool"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let kernelSize: [Int], strides: [Int]
  private let (w, c, ow): (Int, Int, Int)

  init(node: String, kernel: [Int], strides: [Int], input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard input.kind == .int16, output.kind == .int16 else {
      throw .unsupportedGraph("max-pool \(node) needs integer values of at most 16 bits")
    }
    self.node = node
    self.input = input
    self.output = output
    kernelSize = kernel
    self.strides = strides
    let s = input.sampleShape, o = output.sampleShape
    (w, c, ow) = (s[2], s[3], o[2])
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
        for kx in 0..<kernelSize[1] {
          let p = src + ((y * strides[0] + ky) * w + x * strides[1] + kx) * c
          for ch in 0..<c { dst[ch] = max(dst[ch], p[ch]) }
        }
      }
    }
  }
}
