/// The weight rows of a binary GEMM rearranged for the kernels: panels of
/// eight rows in which word `w` of the eight rows lies adjacent
/// (`panel[w * 8 + r]`), so one vector load holds one word of eight rows.
/// Rows past `rows` are zero and the panel count is even (the AVX-512 kernel
/// takes sixteen rows at a time).
///
/// `BinaryGEMM.matches(a:rows:b:rows:bits:c:ldc:)` packs its weights this way
/// on every call; pack once with this type to reuse them.
public struct BinaryWeightPanels: Sendable {
  /// Weight rows per panel.
  public static let panelRows = 8

  /// The number of weight rows (`n`).
  public let rows: Int
  /// The number of bits in each row.
  public let bits: Int
  /// Words per packed row, `BinaryGEMM.wordsPerRow(bits:)`.
  public let wordsPerRow: Int
  /// Panels, `panelCount * wordsPerRow * 8` words.
  let storage: [UInt64]

  /// Rearranges `rows` packed rows of `b` (`BinaryGEMM.wordsPerRow(bits:)` words apart).
  public init(_ b: UnsafePointer<UInt64>, rows: Int, bits: Int) {
    let words = BinaryGEMM.wordsPerRow(bits: bits)
    let panels = (rows + 15) / 16 * 2
    self.rows = rows
    self.bits = bits
    wordsPerRow = words
    storage = [UInt64](unsafeUninitializedCapacity: panels * words * 8) { buffer, count in
      count = buffer.count
      for p in 0..<panels {
        for w in 0..<words {
          for r in 0..<8 {
            let row = p * 8 + r
            buffer[(p * words + w) * 8 + r] = row < rows ? b[row * words + w] : 0
          }
        }
      }
    }
  }
}
