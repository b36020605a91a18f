/// A matrix of ±1 values packed one bit per value (1 = +1, 0 = -1), rows
/// padded to whole 64-bit words with zero bits.
public struct BitMatrix: Sendable, Equatable {
  public let rows: Int
  public let columns: Int
  /// Words per row: ⌈columns / 64⌉.
  public let wordsPerRow: Int
  /// Row-major words; bit `j % 64` of word `j / 64` holds column `j`.
  public private(set) var words: [UInt64]

  /// Packs a row-major matrix of bipolar values (any value > 0 is +1).
  public init(rows: Int, columns: Int, values: [Float]) {
    precondition(values.count == rows * columns)
    self.rows = rows
    self.columns = columns
    wordsPerRow = (columns + 63) / 64
    var words = [UInt64](repeating: 0, count: rows * wordsPerRow)
    for r in 0..<rows {
      for c in 0..<columns where values[r * columns + c] > 0 {
        words[r * wordsPerRow + c / 64] |= 1 << UInt64(c % 64)
      }
    }
    self.words = words
  }
}
