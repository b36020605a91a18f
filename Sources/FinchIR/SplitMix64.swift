/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed 64-bit
/// generator whose whole state is one `UInt64`, so that a failing random test
/// can be reproduced from the seed it prints.
///
/// The helpers below draw numbers with their own arithmetic rather than the
/// standard library's `random(in:using:)`, so a seed gives the same values on
/// every toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// An integer in `range` (modulo reduction: the bias is negligible for the small ranges used here).
  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    let span = UInt64(range.upperBound - range.lowerBound) &+ 1
    return span == 0 ? Int(truncatingIfNeeded: next()) : range.lowerBound + Int(next() % span)
  }

  /// A double in `[0, 1)`.
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A double in `[lo, hi)`.
  public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

  /// True with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// One element of a non-empty array.
  public mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }
}
