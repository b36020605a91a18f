#if arch(x86_64)
  import CFinchCPUKernels
#endif

/// Integer GEMM for 1- to 8-bit (and up to 16-bit) operands held in 16-bit
/// lanes with 32-bit accumulation: exact for every product and for sums that
/// fit in `Int32` (the plan checks each layer's accumulator type).
public enum IntegerGEMM {
  /// `c[i * ldc + j] = Σ_{p < depth} a[i * lda + p] · b[j * ldb + p]`: activation
  /// row `i` of `a` (`m` rows) against weight row `j` of `b` (`n` rows, the
  /// transposed weight matrix), with the kernels of `KernelISA.active`.
  public static func multiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, b: UnsafePointer<Int16>, rows n: Int, ldb: Int, depth: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    multiply(a: a, rows: m, lda: lda, b: b, rows: n, ldb: ldb, depth: depth, c: c, ldc: ldc, isa: .active)
  }

  /// `multiply(a:rows:lda:b:rows:ldb:depth:c:ldc:)` with the kernels of `isa`, which the CPU must support.
  public static func multiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, b: UnsafePointer<Int16>, rows n: Int, ldb: Int, depth: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int, isa: KernelISA
  ) {
    guard m > 0, n > 0 else { return }
    let weights = IntegerWeightPanels(b, rows: n, ldb: ldb, depth: depth)
    multiply(a: a, rows: m, lda: lda, weights: weights, c: c, ldc: ldc, isa: isa)
  }

  /// `c[i * ldc + j] = Σ_{p < weights.depth} a[i * lda + p] · b_j[p]` for
  /// activation row `i` of `a` (`m` rows) and weight row `j`, with the kernels
  /// of `isa` (which the CPU must support).
  public static func multiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, weights: IntegerWeightPanels, c: UnsafeMutablePointer<Int32>,
    ldc: Int, isa: KernelISA = .active
  ) {
    precondition(CPUFeatures.host.supports(isa), "this CPU cannot run the \(isa) kernels")
    let n = weights.rows, depth = weights.depth
    guard m > 0, n > 0 else { return }
    guard depth > 0 else {
      for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      return
    }
    weights.storage.withUnsafeBufferPointer { buffer in
      let panels = buffer.baseAddress!
      switch isa {
      case .portable:
        PortableKernels.integerMultiply(a: a, rows: m, lda: lda, panels: panels, columns: n, depth: depth, c: c, ldc: ldc)
      case .avx2:
        #if arch(x86_64)
          finch_avx2_integer_multiply(a, m, lda, panels, n, depth, c, ldc)
        #endif
      case .avx512:
        #if arch(x86_64)
          finch_avx512_integer_multiply(a, m, lda, panels, n, depth, c, ldc)
        #endif
      }
    }
  }
}
