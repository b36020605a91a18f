extension UnsafeBufferPointer where Element: Comparable {
  /// How many of these ascending values are at most `x` (a binary search; none for NaN).
  @inline(__always) func countAtMost(_ x: Element) -> Int {
    var (lo, hi) = (0, count)
    while lo < hi {
      let mid = (lo + hi) / 2
      if self[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}
