/// The elementwise sum of two 16-bit integer streams (a residual join).
final class AddStreamsStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "stream add"
  let itemsPerSample: Int
  let costPerItem: Int
  private let a: ValueBuffer, b: ValueBuffer, output: ValueBuffer
  private let (rows, width): (Int, Int)

  init(node: String, a: ValueBuffer, b: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard a.kind == .int16, b.kind == .int16, output.kind == .int16, a.sampleCount == b.sampleCount else {
      throw .unsupportedGraph("stream add \(node) needs two integer streams of at most 16 bits and the same shape")
    }
    (self.node, self.a, self.b, self.output) = (node, a, b, output)
    width = a.sampleShape.dims.last ?? 1
    rows = a.sampleCount / max(width, 1)
    itemsPerSample = rows
    costPerItem = width
  }

  /// Items are rows of the last axis, sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    for item in items {
      let (x, y, z) = (a.int16 + item * width, b.int16 + item * width, output.int16 + item * width)
      for i in 0..<width { z[i] = x[i] &+ y[i] }
    }
  }
}
