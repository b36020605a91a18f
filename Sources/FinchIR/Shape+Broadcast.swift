extension Shape {
  /// The NumPy broadcast of two shapes, or nil when they are incompatible.
  public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
    let rank = Swift.max(a.rank, b.rank)
    var dims = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.rank ? 1 : a.dims[i - (rank - a.rank)]
      let db = i < rank - b.rank ? 1 : b.dims[i - (rank - b.rank)]
      guard da == db || da == 1 || db == 1 else { return nil }
      dims[i] = da == 1 ? db : da
    }
    return Shape(dims)
  }

  /// Normalizes a possibly negative `axis` for this rank (plus `extra`), or nil when out of
  /// range; a scalar has no axes.
  public func normalizedAxis(_ axis: Int, extra: Int = 0) -> Int? {
    let r = rank + extra
    let a = axis < 0 ? axis + r : axis
    return (0..<r).contains(a) ? a : nil
  }
}
