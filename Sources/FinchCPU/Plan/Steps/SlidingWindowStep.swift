import FinchIR

/// A sliding window unit on the CPU (im2col) for windows that are not folded
/// into the MVAU reading them: every window written out as a 16-bit row.
final class SlidingWindowStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "im2col"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let geometry: WindowGeometry

  init(node: String, attributes u: SWU, input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard input.kind == .int16, output.kind == .int16 else {
      throw .unsupportedGraph("SWU \(node) needs integer values of at most 16 bits")
    }
    self.node = node
    self.input = input
    self.output = output
    geometry = WindowGeometry(u, input: input.sampleShape, output: output.sampleShape)
    itemsPerSample = geometry.windowsPerSample
    costPerItem = geometry.windowSize
  }

  /// Items are windows (output pixels), sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    geometry.windows(
      items.lowerBound, count: items.count, of: input.int16, into: output.int16 + items.lowerBound * geometry.windowSize)
  }
}
