/// The per-channel sum over every pixel of an NHWC integer stream.
final class GlobalAccPoolStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "global sum"
  let itemsPerSample = 1
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let (pixels, channels): (Int, Int)

  init(node: String, input: ValueBuffer, output: ValueBuffer) throws(CPUPlanError) {
    guard input.kind == .int16, output.kind == .int16 || output.kind == .int32, input.sampleShape.rank == 4 else {
      throw .unsupportedGraph("global sum \(node) needs NHWC integers of at most 16 bits and sums of at most 32")
    }
    (self.node, self.input, self.output) = (node, input, output)
    channels = input.sampleShape[3]
    pixels = input.sampleCount / max(channels, 1)
    costPerItem = input.sampleCount
  }

  /// Items are samples.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let sums = scratch.bindMemory(to: Int32.self, capacity: channels)
    for sample in items {
      sums.update(repeating: 0, count: channels)
      let src = input.int16 + sample * input.sampleCount
      for p in 0..<pixels {
        let row = src + p * channels
        for c in 0..<channels { sums[c] &+= Int32(row[c]) }
      }
      if output.kind == .int16 {
        let dst = output.int16 + sample * channels
        for c in 0..<channels { dst[c] = Int16(truncatingIfNeeded: sums[c]) }
      } else {
        (output.int32 + sample * channels).update(from: sums, count: channels)
      }
    }
  }

  var scratchBytes: Int { channels * 4 }
}
