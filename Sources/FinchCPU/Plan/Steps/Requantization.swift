/// gemmlowp-style requantization found in a layer's thresholds: where one
/// channel's integer thresholds are (the ceilings of) an arithmetic progression —
/// what a uniform quantizer with a scale becomes — the number of thresholds at
/// most `acc` is `clamp((acc · M + B) >> shift, 0, steps)`, a fixed-point
/// multiply and shift instead of a search.
///
/// A channel gets a multiplier only when the formula reproduces the count
/// exactly: both are non-decreasing step functions of `acc`, so agreeing on
/// both sides of every threshold (`t` and `t - 1`) means agreeing everywhere.
struct Requantization: Sendable {
  static let shift: Int64 = 31
  let steps: Int
  let multipliers: [Int64]
  let offsets: [Int64]

  /// The multipliers of `channels` channels of `steps` ascending thresholds
  /// (`sorted`, channel-major), or nil when some channel is not a progression.
  /// Accumulators must stay within ±2^30, so every product fits 62 bits.
  init?(sorted: [Int32], channels: Int, steps: Int) {
    guard steps >= 2 else { return nil }
    var multipliers: [Int64] = [], offsets: [Int64] = []
    for c in 0..<channels {
      let t = Array(sorted[(c * steps)..<((c + 1) * steps)])
      guard let (m, b) = Self.fit(t) else { return nil }
      multipliers.append(m)
      offsets.append(b)
    }
    self.steps = steps
    self.multipliers = multipliers
    self.offsets = offsets
  }

  /// The count for accumulator `acc` of channel `c`.
  @inline(__always) func count(_ acc: Int32, channel c: Int) -> Int64 {
    Swift.min(Swift.max((Int64(acc) &* multipliers[c] &+ offsets[c]) &>> Self.shift, 0), Int64(steps))
  }

  /// `(M, B)` for thresholds `t` (ascending), or nil.
  private static func fit(_ t: [Int32]) -> (Int64, Int64)? {
    let n = t.count
    guard Int64(t[0]).magnitude < 1 << 30, Int64(t[n - 1]).magnitude < 1 << 30 else { return nil }
    // t[i] = ceil(a + i·spacing) for some phase a and spacing: the ends bound the
    // spacing within ±1/(n-1); try spacings across that range until one admits a
    // phase with t[i] - 1 < a + i·spacing <= t[i] for every i.
    let span = Double(Int64(t[n - 1]) - Int64(t[0]))
    let candidates = 64
    var found: (spacing: Double, phase: Double)?
    for k in 0..<candidates where found == nil {
      let spacing = (span - 1 + 2 * (Double(k) + 0.5) / Double(candidates)) / Double(n - 1)
      guard spacing >= 1 else { continue }
      var (low, high) = (-Double.infinity, Double.infinity)
      for i in 0..<n {
        low = Swift.max(low, Double(t[i]) - 1 - Double(i) * spacing)
        high = Swift.min(high, Double(t[i]) - Double(i) * spacing)
      }
      if low < high { found = (spacing, (low + high) / 2) }
    }
    guard let (spacing, phase) = found else { return nil }
    let exact = Double(1 << shift) / spacing
    for m in Set([exact.rounded(), exact.rounded(.up), exact.rounded(.down)].map { Int64($0) }) where m > 0 {
      // count(acc) = floor((acc - a) / spacing) + 1.
      let b = (1 << shift) - Int64((phase * Double(m)).rounded())
      let f = { (acc: Int64) in Swift.min(Swift.max((acc * m + b) >> shift, 0), Int64(n)) }
      let agrees = t.withUnsafeBufferPointer { t in
        t.allSatisfy { at in
          // The counts at and just below each threshold, duplicates included.
          f(Int64(at)) == t.countAtMost(at) && f(Int64(at) - 1) == t.countAtMost(at - 1)
        }
      }
      if agrees { return (m, b) }
    }
    return nil
  }
}
