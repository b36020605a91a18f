/// The GEMM kernels in plain Swift, on the same panels as the SIMD kernels.
/// Their vectors are Swift SIMD types, which LLVM lowers for the baseline
/// target (SSE2 on x86_64, NEON on arm64).
enum PortableKernels {
  /// `c[i * ldc + j] = bits - popcount(a_i XOR b_j)`; see `BinaryWeightPanels`
  /// for the layout. Four activation rows meet one eight-row panel per step.
  static func binaryMatches(
    a: UnsafePointer<UInt64>, rows m: Int, words: Int, panels: UnsafePointer<UInt64>, columns n: Int, bits: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    let bits = SIMD8<Int64>(repeating: Int64(bits))
    for i in stride(from: 0, to: m, by: 4) {
      let last = m - 1
      let a0 = a + i * words, a1 = a + min(i + 1, last) * words
      let a2 = a + min(i + 2, last) * words, a3 = a + min(i + 3, last) * words
      for j in stride(from: 0, to: n, by: 8) {
        let panel = UnsafeRawPointer(panels + (j / 8) * words * 8)
        var c0 = SIMD8<UInt64>(), c1 = SIMD8<UInt64>(), c2 = SIMD8<UInt64>(), c3 = SIMD8<UInt64>()
        for w in 0..<words {
          let b = panel.loadUnaligned(fromByteOffset: w * 64, as: SIMD8<UInt64>.self)
          c0 &+= (b ^ SIMD8(repeating: a0[w])).nonzeroBitCount
          c1 &+= (b ^ SIMD8(repeating: a1[w])).nonzeroBitCount
          c2 &+= (b ^ SIMD8(repeating: a2[w])).nonzeroBitCount
          c3 &+= (b ^ SIMD8(repeating: a3[w])).nonzeroBitCount
        }
        let rows = m - i, columns = min(8, n - j), out = c + i * ldc + j
        store(bits &- SIMD8<Int64>(truncatingIfNeeded: c0), columns: columns, to: out)
        if rows > 1 { store(bits &- SIMD8<Int64>(truncatingIfNeeded: c1), columns: columns, to: out + ldc) }
        if rows > 2 { store(bits &- SIMD8<Int64>(truncatingIfNeeded: c2), columns: columns, to: out + 2 * ldc) }
        if rows > 3 { store(bits &- SIMD8<Int64>(truncatingIfNeeded: c3), columns: columns, to: out + 3 * ldc) }
      }
    }
  }

  /// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` in wrapping Int32; see
  /// `IntegerWeightPanels` for the layout. Two activation rows meet one
  /// sixteen-row panel per step.
  static func integerMultiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, panels: UnsafePointer<Int16>, columns n: Int, depth: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
  ) {
    let pairs = (depth + 1) / 2
    for i in stride(from: 0, to: m, by: 2) {
      let a0 = a + i * lda, a1 = a + min(i + 1, m - 1) * lda
      for j in stride(from: 0, to: n, by: 16) {
        let panel = UnsafeRawPointer(panels + (j / 16) * pairs * 32)
        var c0 = SIMD16<Int32>(), c1 = SIMD16<Int32>()
        for t in 0..<pairs {
          // Each Int32 lane holds a row's pair: value 2t in the low half, 2t + 1 in the high.
          let b = panel.loadUnaligned(fromByteOffset: t * 64, as: SIMD16<Int32>.self)
          let even = (b &<< 16) &>> 16, odd = b &>> 16
          let p = 2 * t, hasOdd = p + 1 < depth
          c0 &+= even &* Int32(a0[p]) &+ odd &* (hasOdd ? Int32(a0[p + 1]) : 0)
          c1 &+= even &* Int32(a1[p]) &+ odd &* (hasOdd ? Int32(a1[p + 1]) : 0)
        }
        let columns = min(16, n - j), out = c + i * ldc + j
        store(c0, columns: columns, to: out)
        if m - i > 1 { store(c1, columns: columns, to: out + ldc) }
      }
    }
  }

  /// Writes the first `columns` lanes of `values` as Int32.
  @inline(__always)
  private static func store<V: SIMD>(_ values: V, columns: Int, to c: UnsafeMutablePointer<Int32>)
  where V.Scalar: FixedWidthInteger {
    for col in 0..<columns { c[col] = Int32(truncatingIfNeeded: values[col]) }
  }
}
