/// When the words of one frame pass a stream: the cycles of its first and
/// last word (a word passes in the cycle its valid and ready meet). Words in
/// between are taken to pass evenly spaced, which is how ``LatencyEstimate``
/// finds when the `k`-th one arrives.
public struct StreamTiming: Sendable, Equatable {
  /// Cycle of the frame's first word.
  public var first: Double
  /// Cycle of the frame's last word.
  public var last: Double
  /// Words per frame.
  public var words: Int

  public init(first: Double, last: Double, words: Int) {
    (self.first, self.last, self.words) = (first, max(last, first), max(words, 1))
  }

  /// The cycle word `count` (1 is the first, ``words`` the last) passes.
  public func arrival(ofWord count: Int) -> Double {
    guard words > 1 else { return last }
    let k = Double(min(max(count, 1), words) - 1)
    return first + (last - first) * k / Double(words - 1)
  }
}
