import FinchIR

#if arch(x86_64)
  import CFinchCPUKernels
#endif

/// Integer thresholds per output channel, applied to 32-bit accumulators:
/// `outScale · #{t : acc >= t} + outBias`, as the interpreter's MVAU does.
///
/// The count does not depend on the thresholds' order, so they are stored
/// step-major (`[steps, channels]`): a row of accumulators is compared with one
/// step's thresholds at a time, a branch-free loop the compiler vectorizes.
/// With many steps (wide outputs) a binary search per value is cheaper; for it
/// each channel's thresholds are also kept sorted.
struct ThresholdEpilogue: @unchecked Sendable {
  /// Above this many steps the count is a binary search.
  static let linearSteps = 16

  private let steps: Int
  private let channels: Int
  /// `[steps, channels]`, clamped to the `Int32` range.
  private let stepMajor: [Int32]
  /// `[channels, steps]`, ascending within a channel.
  private let sorted: [Int32]
  private let outScale: Int32, outBias: Int32
  /// Whether one-step thresholds use the AVX-512 select.
  private let vectorSelect = KernelISA.active == .avx512
  /// A multiply and shift per channel instead of the search, where the thresholds allow (many steps only).
  private let requantization: Requantization?

  init(node: String, thresholds: Tensor, outScale: Int, outBias: Int) throws(CPUPlanError) {
    channels = thresholds.shape[0]
    steps = thresholds.shape[1]
    // Accumulators stay within ±2^30 (the plan checks), so thresholds beyond ±(2^30 + 1)
    // compare the same clamped there, and `acc - t` cannot overflow.
    let t = thresholds.int64s.map { Int32(clamping: Swift.min(Swift.max($0, -(1 << 30) - 1), (1 << 30) + 1)) }
    var sorted = [Int32]()
    sorted.reserveCapacity(t.count)
    for c in 0..<channels { sorted += t[(c * steps)..<((c + 1) * steps)].sorted() }
    self.sorted = sorted
    requantization = steps > Self.linearSteps ? Requantization(sorted: sorted, channels: channels, steps: steps) : nil
    let (steps, channels) = (steps, channels)
    stepMajor = (0..<(steps * channels)).map { i in t[(i % channels) * steps + i / channels] }
    guard let scale = Int32(exactly: outScale), let bias = Int32(exactly: outBias) else {
      throw .unsupportedGraph("node \(node): output scale \(outScale) or bias \(outBias) does not fit 32 bits")
    }
    (self.outScale, self.outBias) = (scale, bias)
  }

  /// Whether the epilogue requantizes with multipliers rather than searching thresholds.
  var requantizes: Bool { requantization != nil }

  /// The output level for accumulator `acc` of channel `c`.
  func level(_ acc: Int32, channel c: Int) -> Int32 {
    if let requantization { return outScale &* Int32(truncatingIfNeeded: requantization.count(acc, channel: c)) &+ outBias }
    return sorted.withUnsafeBufferPointer { t in outScale &* Self.search(acc, t, channel: c, steps) &+ outBias }
  }

  /// Writes the levels of `rows` rows of `count` (= channels) accumulators.
  func apply(_ acc: UnsafePointer<Int32>, rows: Int, count n: Int, into out: UnsafeMutablePointer<Int16>) {
    #if arch(x86_64)
      if steps == 1 && vectorSelect {
        let (low, high) = (Int16(truncatingIfNeeded: outBias), Int16(truncatingIfNeeded: outScale &+ outBias))
        stepMajor.withUnsafeBufferPointer { t in
          finch_avx512_select_at_least(acc, rows, t.baseAddress!, n, low, high, out)
        }
        return
      }
    #endif
    for r in 0..<rows { apply(acc + r * n, count: n, into: out + r * n) }
  }

  /// Writes the levels of one row of `count` (= channels) accumulators.
  @inline(__always) func apply(_ acc: UnsafePointer<Int32>, count n: Int, into out: UnsafeMutablePointer<Int16>) {
    if steps == 1 {
      // One step (binary and bipolar outputs): a select per channel.
      let (low, high) = (Int16(truncatingIfNeeded: outBias), Int16(truncatingIfNeeded: outScale &+ outBias))
      stepMajor.withUnsafeBufferPointer { t in
        let t = t.baseAddress!
        for c in 0..<n { out[c] = acc[c] >= t[c] ? high : low }
      }
      return
    }
    if steps <= Self.linearSteps {
      stepMajor.withUnsafeBufferPointer { t in
        let t = t.baseAddress!
        for c in 0..<n { out[c] = 0 }
        for s in 0..<steps {
          let ts = t + s * n
          for c in 0..<n { out[c] &+= acc[c] >= ts[c] ? 1 : 0 }
        }
      }
    } else if let requantization {
      for c in 0..<n { out[c] = Int16(truncatingIfNeeded: requantization.count(acc[c], channel: c)) }
    } else {
      sorted.withUnsafeBufferPointer { t in
        for c in 0..<n { out[c] = Int16(truncatingIfNeeded: Self.search(acc[c], t, channel: c, steps)) }
      }
    }
    let (scale, bias) = (outScale, outBias)
    for c in 0..<n { out[c] = Int16(truncatingIfNeeded: scale &* Int32(out[c]) &+ bias) }
  }

  /// How many of channel `c`'s `steps` ascending thresholds in `t` are at most `acc`.
  @inline(__always)
  private static func search(_ acc: Int32, _ t: UnsafeBufferPointer<Int32>, channel c: Int, _ steps: Int) -> Int32 {
    Int32(UnsafeBufferPointer(rebasing: t[(c * steps)..<((c + 1) * steps)]).countAtMost(acc))
  }
}
