#if arch(x86_64)
  import CFinchCPUKernels
#endif

/// Binary GEMM on packed ±1 rows (bit 1 = +1, bit 0 = -1): for every pair of an
/// activation row and a weight row, the number of positions where they agree
/// (the popcount of their XNOR). A ±1 dot product over `bits` positions is
/// `2 · matches - bits`.
///
/// Rows are packed `wordsPerRow(bits:)` 64-bit words each, padded with zero bits
/// in both operands, so padding never counts as a disagreement.
public enum BinaryGEMM {
  /// The number of words a packed row of `bits` values occupies.
  public static func wordsPerRow(bits: Int) -> Int { (bits + 63) / 64 }

  /// Packs `rows` rows of `columns` bipolar values (any value > 0 is +1), read
  /// with stride `sourceStride`, into `destination` (`wordsPerRow(bits: columns)` words a row),
  /// with the kernels of `isa`.
  public static func pack(
    _ source: UnsafePointer<Int16>, rows: Int, columns: Int, sourceStride: Int,
    into destination: UnsafeMutablePointer<UInt64>, isa: KernelISA = .active
  ) {
    let words = wordsPerRow(bits: columns)
    switch isa {
    case .avx512:
      #if arch(x86_64)
        finch_avx512_pack_signs(source, rows, columns, sourceStride, destination, words)
        return
      #endif
    case .avx2:
      #if arch(x86_64)
        finch_avx2_pack_signs(source, rows, columns, sourceStride, destination, words)
        return
      #endif
    case .portable: break
    }
    for r in 0..<rows {
      let src = source + r * sourceStride, dst = destination + r * words
      for w in 0..<words {
        var word: UInt64 = 0
        let start = w * 64, end = min(start + 64, columns)
        for c in start..<end { word |= UInt64(src[c] > 0 ? 1 : 0) << UInt64(c - start) }
        dst[w] = word
      }
    }
  }

  /// `c[i * ldc + j]` = the agreeing positions among the first `bits` of
  /// activation row `i` of `a` (`m` rows) and weight row `j` of `b` (`n` rows),
  /// with the kernels of `KernelISA.active`.
  public static func matches(
    a: UnsafePointer<UInt64>, rows m: Int, b: UnsafePointer<UInt64>, rows n: Int, bits: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    matches(a: a, rows: m, b: b, rows: n, bits: bits, c: c, ldc: ldc, isa: .active)
  }

  /// `matches(a:rows:b:rows:bits:c:ldc:)` with the kernels of `isa`, which the CPU must support.
  public static func matches(
    a: UnsafePointer<UInt64>, rows m: Int, b: UnsafePointer<UInt64>, rows n: Int, bits: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int, isa: KernelISA
  ) {
    guard m > 0, n > 0 else { return }
    matches(a: a, rows: m, weights: BinaryWeightPanels(b, rows: n, bits: bits), c: c, ldc: ldc, isa: isa)
  }

  /// `c[i * ldc + j]` = the agreeing positions among the first `weights.bits`
  /// of activation row `i` of `a` (`m` rows, `wordsPerRow(bits:)` words apart)
  /// and weight row `j`, with the kernels of `isa` (which the CPU must support).
  public static func matches(
    a: UnsafePointer<UInt64>, rows m: Int, weights: BinaryWeightPanels, c: UnsafeMutablePointer<Int32>, ldc: Int,
    isa: KernelISA = .active
  ) {
    precondition(CPUFeatures.host.supports(isa), "this CPU cannot run the \(isa) kernels")
    let n = weights.rows, bits = weights.bits, words = weights.wordsPerRow
    guard m > 0, n > 0 else { return }
    guard words > 0 else {
      for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      return
    }
    weights.storage.withUnsafeBufferPointer { buffer in
      let panels = buffer.baseAddress!
      switch isa {
      case .portable:
        PortableKernels.binaryMatches(a: a, rows: m, words: words, panels: panels, columns: n, bits: bits, c: c, ldc: ldc)
      case .avx2:
        #if arch(x86_64)
          finch_avx2_binary_matches(a, m, words, panels, n, bits, c, ldc)
        #endif
      case .avx512:
        #if arch(x86_64)
          finch_avx512_binary_matches(a, m, words, panels, n, bits, c, ldc)
        #endif
      }
    }
  }
}
