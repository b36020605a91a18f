/// Integer GEMM for 1- to 8-bit (and up to 16-bit) operands held in 16-bit
/// lanes with 32-bit accumulation: exact for every product and for sums that
/// fit in `Int32` (the plan checks each layer's accumulator type).
public enum IntegerGEMM {
  /// `c[i * ldc + j] = Σ_{p < depth} a[i * lda + p] · b[j * ldb + p]`: activation
  /// row `i` of `a` (`m` rows) against weight row `j` of `b` (`n` rows, the
  /// transposed weight matrix).
  public static func multiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, b: UnsafePointer<Int16>, rows n: Int, ldb: Int, depth: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    for i in 0..<m {
      let ai = a + i * lda
      for j in 0..<n {
        let bj = b + j * ldb
        var acc: Int32 = 0
        for p in 0..<depth { acc &+= Int32(ai[p]) &* Int32(bj[p]) }
        c[i * ldc + j] = acc
      }
    }
  }
}
