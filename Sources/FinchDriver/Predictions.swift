import FinchIR

/// Class predictions from a batch of network outputs, and how many match
/// the true labels: what `finch run --labels` and `finch explore` report.
public enum Predictions {
  /// The index of each sample's largest output (the first on ties).
  public static func argmax(_ y: Tensor) -> [Int] {
    let n = y.shape.rank == 0 ? 1 : y.shape[0]
    let size = y.count / max(n, 1)
    let v = y.floats
    return (0..<n).map { i in
      var best = 0
      for j in 0..<size where v[i * size + j] > v[i * size + best] { best = j }
      return best
    }
  }

  /// How many `predictions` equal their label in `truth` (integers, in order).
  public static func correct(_ predictions: [Int], _ truth: Tensor) -> Int {
    zip(truth.floats, predictions).filter { $0 == Float($1) }.count
  }
}
