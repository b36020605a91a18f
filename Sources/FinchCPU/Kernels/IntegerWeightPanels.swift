/// The weight rows of an integer GEMM rearranged for the kernels: panels of
/// sixteen rows holding, for each pair of depth positions `t`, the values
/// `2t` and `2t + 1` of the sixteen rows side by side
/// (`panel[t * 32 + r * 2 + e]` = row `r`, position `2t + e`), so one vector
/// load feeds a pairwise multiply-add (VPMADDWD, VPDPWSSD) across sixteen rows.
/// Rows past `rows`, an odd depth's last partner and the padding panel that
/// makes the count even (the AVX-512 kernel takes 32 rows at a time) are zero.
///
/// `IntegerGEMM.multiply(a:rows:lda:b:rows:ldb:depth:c:ldc:)` packs its
/// weights this way on every call; pack once with this type to reuse them.
public struct IntegerWeightPanels: Sendable {
  /// Weight rows per panel.
  public static let panelRows = 16

  /// The number of weight rows (`n`).
  public let rows: Int
  /// The number of values in each row.
  public let depth: Int
  /// Panels, `panelCount * ((depth + 1) / 2) * 32` values.
  let storage: [Int16]

  /// Rearranges `rows` rows of `depth` values of `b`, `ldb` apart.
  public init(_ b: UnsafePointer<Int16>, rows: Int, ldb: Int, depth: Int) {
    let pairs = (depth + 1) / 2
    let panels = (rows + 31) / 32 * 2
    self.rows = rows
    self.depth = depth
    storage = [Int16](unsafeUninitializedCapacity: panels * pairs * 32) { buffer, count in
      count = buffer.count
      buffer.initialize(repeating: 0)
      guard pairs > 0 else { return }
      for row in 0..<rows {
        let panel = buffer.baseAddress! + (row / 16) * pairs * 32 + (row % 16) * 2
        let source = b + row * ldb
        for p in 0..<depth { panel[(p / 2) * 32 + p % 2] = source[p] }
      }
    }
  }
}
