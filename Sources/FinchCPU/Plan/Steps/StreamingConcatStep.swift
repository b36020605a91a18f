/// The concatenation of two integer streams along the last axis (channels):
/// per row, a's elements then b's, copied as they are stored.
final class StreamingConcatStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "stream concat"
  let itemsPerSample: Int
  let costPerItem: Int
  private let a: ValueBuffer, b: ValueBuffer, output: ValueBuffer
  private let (rows, widthA, widthB): (Int, Int, Int)

  init(node: String, a: ValueBuffer, b: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    (widthA, widthB) = (a.sampleShape.dims.last ?? 1, b.sampleShape.dims.last ?? 1)
    guard a.kind == .int16, b.kind == .int16, output.kind == .int16, a.sampleCount / max(widthA, 1) == b.sampleCount / max(widthB, 1) else {
      throw .unsupportedGraph("stream concat \(node) needs two integer streams of at most 16 bits with the same rows")
    }
    (self.node, self.a, self.b, self.output) = (node, a, b, output)
    rows = a.sampleCount / max(widthA, 1)
    itemsPerSample = rows
    costPerItem = widthA + widthB
  }

  /// Items are rows of the last axis, sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    for item in items {
      let z = output.int16 + item * (widthA + widthB)
      z.update(from: a.int16 + item * widthA, count: widthA)
      (z + widthA).update(from: b.int16 + item * widthB, count: widthB)
    }
  }
}
