/// Exact thresholds for a monotone integer-to-level function, found by
/// evaluating the function itself rather than inverting it analytically.
///
/// Given `level(c, a)` for channel `c` and integer input `a` in `range`, each
/// channel's levels must be monotone in `a` (in either direction). For a
/// non-decreasing channel, threshold `j` (1-based) is the smallest `a` whose level
/// is at least `lowest + j`; thresholds never reached are `range.upperBound + 1`.
/// A non-increasing channel is searched on `-a` and reported as `negated`.
/// Because every candidate is evaluated with the very float operations the
/// model performs, rounding ties (half to even) and float rounding of scales
/// come out exactly as the model computes them.
public struct ThresholdSearch {
  /// Thresholds of one channel.
  public struct Channel: Equatable, Sendable {
    /// Smallest input reaching each level above the lowest, ascending.
    public var thresholds: [Int64]
    /// Whether the thresholds apply to the negated input.
    public var negated: Bool
  }

  /// Inputs at most this many values wide are scanned exhaustively; wider ones are bisected.
  public static let scanLimit: Int64 = 1 << 12

  /// Finds the thresholds of every channel.
  ///
  /// - Parameters:
  ///   - channels: number of channels.
  ///   - range: the integer inputs that can occur.
  ///   - levels: the number of output levels above the lowest (thresholds per channel).
  ///   - lowest: the lowest level.
  ///   - level: evaluates the level of every channel at one input per channel.
  public static func search(
    channels: Int, range: ClosedRange<Int64>, levels: Int, lowest: Int64,
    level: ([Int64]) throws -> [Int64]
  ) rethrows -> [Channel] {
    let atLow = try level([Int64](repeating: range.lowerBound, count: channels))
    let atHigh = try level([Int64](repeating: range.upperBound, count: channels))
    let negated = (0..<channels).map { atLow[$0] > atHigh[$0] }
    let lo = (0..<channels).map { negated[$0] ? -range.upperBound : range.lowerBound }
    let hi = (0..<channels).map { negated[$0] ? -range.lowerBound : range.upperBound }
    func evaluate(_ inputs: [Int64]) throws -> [Int64] {
      try level((0..<channels).map { negated[$0] ? -inputs[$0] : inputs[$0] })
    }
    var result = (0..<channels).map { Channel(thresholds: [], negated: negated[$0]) }
    if range.upperBound - range.lowerBound < scanLimit {
      var first = [[Int64]](repeating: [Int64](repeating: Int64.max, count: levels), count: channels)
      var a = Int64(0)
      while a <= range.upperBound - range.lowerBound {
        let inputs = (0..<channels).map { lo[$0] + a }
        let got = try evaluate(inputs)
        for c in 0..<channels {
          let reached = Int(min(max(got[c] - lowest, 0), Int64(levels)))
          for j in 0..<reached where first[c][j] == Int64.max { first[c][j] = inputs[c] }
        }
        a += 1
      }
      for c in 0..<channels {
        result[c].thresholds = first[c].map { $0 == Int64.max ? hi[c] + 1 : $0 }
      }
      return result
    }
    for j in 1...max(levels, 1) where levels > 0 {
      // Smallest input in lo...hi+1 whose level reaches lowest + j, per channel.
      var low = lo, high = hi.map { $0 + 1 }
      while zip(low, high).contains(where: { $0 < $1 }) {
        let mid = (0..<channels).map { low[$0] + (high[$0] - low[$0]) / 2 }
        let got = try evaluate(mid)
        for c in 0..<channels where low[c] < high[c] {
          if got[c] >= lowest + Int64(j) { high[c] = mid[c] } else { low[c] = mid[c] + 1 }
        }
      }
      for c in 0..<channels { result[c].thresholds.append(low[c]) }
    }
    return result
  }
}
