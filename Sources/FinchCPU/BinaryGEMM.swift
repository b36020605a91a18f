/// Binary GEMM: `C[i][j] = Σ_k A[i][k] · B[j][k]` for ±1 matrices, computed as
/// `K - 2 · popcount(A_i XOR B_j)` over packed words (B is given by rows, i.e. transposed).
public enum BinaryGEMM {
  /// The dot products of every row of `a` with every row of `b` (both K columns), row-major `[a.rows, b.rows]`.
  public static func multiply(_ a: BitMatrix, bTransposed b: BitMatrix) -> [Int32] {
    precondition(a.columns == b.columns, "inner dimensions differ")
    let k = a.columns, words = a.wordsPerRow
    var result = [Int32](repeating: 0, count: a.rows * b.rows)
    a.words.withUnsafeBufferPointer { aw in
      b.words.withUnsafeBufferPointer { bw in
        result.withUnsafeMutableBufferPointer { out in
          for i in 0..<a.rows {
            let ai = i * words
            for j in 0..<b.rows {
              let bj = j * words
              var differing = 0
              for w in 0..<words { differing &+= (aw[ai + w] ^ bw[bj + w]).nonzeroBitCount }
              // Padding bits are zero in both, so they never differ.
              out[i * b.rows + j] = Int32(k - 2 * differing)
            }
          }
        }
      }
    }
    return result
  }
}
