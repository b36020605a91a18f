import FinchIR

/// Integer thresholds per output channel, applied to 32-bit accumulators:
/// `outScale · #{t : acc >= t} + outBias`, as the interpreter's MVAU does.
///
/// Each channel's thresholds are sorted once (the count does not depend on
/// their order), so the count is a linear scan for a few steps and a binary
/// search for many.
struct ThresholdEpilogue: @unchecked Sendable {
  private let steps: Int
  private let channels: Int
  /// `[channels, steps]`, ascending within a channel, clamped to the `Int32` range.
  private let sorted: [Int32]
  private let outScale: Int32, outBias: Int32

  init(node: String, thresholds: Tensor, outScale: Int, outBias: Int) throws(CPUPlanError) {
    channels = thresholds.shape[0]
    steps = thresholds.shape[1]
    let t = thresholds.int64s
    var sorted = [Int32]()
    sorted.reserveCapacity(t.count)
    for c in 0..<channels {
      sorted += t[(c * steps)..<((c + 1) * steps)].sorted().map { Int32(clamping: $0) }
    }
    self.sorted = sorted
    guard let scale = Int32(exactly: outScale), let bias = Int32(exactly: outBias) else {
      throw .unsupportedGraph("node \(node): output scale \(outScale) or bias \(outBias) does not fit 32 bits")
    }
    (self.outScale, self.outBias) = (scale, bias)
  }

  /// The output level for accumulator `acc` of channel `c`.
  @inline(__always) func level(_ acc: Int32, channel c: Int) -> Int32 {
    sorted.withUnsafeBufferPointer { t in outScale &* Self.count(acc, t.baseAddress! + c * steps, steps) &+ outBias }
  }

  /// Writes the levels of one row of `count` channels.
  @inline(__always) func apply(_ acc: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Int16>) {
    sorted.withUnsafeBufferPointer { t in
      let t = t.baseAddress!
      for c in 0..<count {
        out[c] = Int16(truncatingIfNeeded: outScale &* Self.count(acc[c], t + c * steps, steps) &+ outBias)
      }
    }
  }

  /// How many of the `n` ascending thresholds at `t` are at most `acc`.
  @inline(__always) private static func count(_ acc: Int32, _ t: UnsafePointer<Int32>, _ n: Int) -> Int32 {
    if n <= 8 {
      var k: Int32 = 0
      for i in 0..<n { k &+= acc >= t[i] ? 1 : 0 }
      return k
    }
    var lo = 0, hi = n
    while lo < hi {
      let mid = (lo + hi) / 2
      if t[mid] <= acc { lo = mid + 1 } else { hi = mid }
    }
    return Int32(lo)
  }
}
