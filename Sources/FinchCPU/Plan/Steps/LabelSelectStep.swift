import FinchIR

/// Label select: the indices of the `k` largest values of each row, largest
/// first, lower index first among equals (as the interpreter's TopK).
final class LabelSelectStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "label select"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let n: Int, k: Int

  init(node: String, k: Int, input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard output.kind == .int64 else { throw .unsupportedGraph("label select \(node) must produce int64 indices") }
    self.node = node
    self.input = input
    self.output = output
    n = input.sampleShape.dims.last ?? 1
    self.k = k
    itemsPerSample = input.sampleCount / max(n, 1)
    costPerItem = n * k
  }

  /// Items are rows; picks the best remaining index `k` times.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let taken = scratch.assumingMemoryBound(to: Bool.self)
    for row in items {
      taken.update(repeating: false, count: n)
      for j in 0..<k {
        var best = -1
        var bestValue: Float = 0
        for i in 0..<n where !taken[i] {
          let v = input.float(at: row * n + i)
          if best < 0 || v > bestValue { (best, bestValue) = (i, v) }
        }
        taken[best] = true
        output.int64[row * k + j] = Int64(best)
      }
    }
  }

  var scratchBytes: Int { n }
}
