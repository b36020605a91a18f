import FinchIR

/// A VVAU: per-channel dot products over the window positions of 16-bit
/// integer windows (channel fastest), then thresholds, or the raw sums.
final class DepthwiseStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "depthwise"
  let itemsPerSample: Int
  let costPerItem: Int
  private let input: ValueBuffer, output: ValueBuffer
  /// `[K, C]`.
  private let weights: [Int32]
  private let epilogue: ThresholdEpilogue?
  private let (positions, channels): (Int, Int)

  init(
    node: String, attributes m: MVAU, input: ValueBuffer, inputType: DataType, output: ValueBuffer, weights w: Tensor, thresholds: Tensor?
  ) throws(CPUPlanError) {
    (positions, channels) = (w.shape[0], w.shape[1])
    let range = dotProductRange(input: inputType, weights: w.floats, fanIn: positions, outputs: channels, columnMajor: false)
    guard input.kind == .int16, output.kind == .int16 || (thresholds == nil && output.kind == .int32), let range,
      range.min >= -0x1p30, range.max <= 0x1p30
    else {
      throw .unsupportedGraph("depthwise \(node) needs 16-bit windows and weights and sums within ±2^30")
    }
    (self.node, self.input, self.output) = (node, input, output)
    weights = w.int64s.map { Int32($0) }
    epilogue = try thresholds.map { t throws(CPUPlanError) in try ThresholdEpilogue(node: node, thresholds: t, outScale: m.outScale, outBias: m.outBias) }
    itemsPerSample = input.sampleCount / max(positions * channels, 1)
    costPerItem = positions * channels
  }

  /// Items are output pixels, sample-major.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let acc = scratch.bindMemory(to: Int32.self, capacity: channels)
    weights.withUnsafeBufferPointer { w in
      for item in items {
        let x = input.int16 + item * positions * channels
        acc.update(repeating: 0, count: channels)
        for k in 0..<positions {
          for c in 0..<channels { acc[c] &+= Int32(x[k * channels + c]) &* w[k * channels + c] }
        }
        if let epilogue {
          epilogue.apply(acc, count: channels, into: output.int16 + item * channels)
        } else if output.kind == .int16 {
          for c in 0..<channels { output.int16[item * channels + c] = Int16(truncatingIfNeeded: acc[c]) }
        } else {
          for c in 0..<channels { output.int32[item * channels + c] = acc[c] }
        }
      }
    }
  }

  var scratchBytes: Int { channels * 4 }
}
