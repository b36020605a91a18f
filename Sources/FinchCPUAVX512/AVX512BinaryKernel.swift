#if arch(x86_64)
  import _Builtin_intrinsics.intel

  /// Kernels for AVX-512 F/BW/VL/VPOPCNTDQ/VNNI. This module is compiled with
  /// those target features, so call into it only where the CPU has them.
  public enum AVX512Kernels {}

  extension AVX512Kernels {
    /// `c[i * ldc + j] = bits - popcount(a_i XOR b_j)` for `m` activation rows
    /// of `words` words each (`words` apart) against `n` weight rows in
    /// 8-row panels (`panels[(j / 8) * words * 8 + w * 8 + j % 8]`, an even
    /// number of panels, rows past `n` zero).
    ///
    /// Four activation rows meet sixteen weight rows per step: each word of a
    /// is broadcast once and XORed into two panel vectors, so there is no
    /// horizontal reduction and every loaded vector is used four times.
    @inline(never)
    public static func binaryMatches(
      a: UnsafePointer<UInt64>, rows m: Int, words: Int, panels: UnsafePointer<UInt64>, columns n: Int, bits: Int,
      c: UnsafeMutablePointer<Int32>, ldc: Int
    ) {
      let panelStride = words * 8
      for i in stride(from: 0, to: m, by: 4) {
        // Rows past m repeat the last row; their results are never stored.
        let last = m - 1
        let a0 = a + i * words, a1 = a + min(i + 1, last) * words
        let a2 = a + min(i + 2, last) * words, a3 = a + min(i + 3, last) * words
        for j in stride(from: 0, to: n, by: 16) {
          let p0 = panels + (j / 8) * panelStride, p1 = p0 + panelStride
          var block = BinaryBlock()
          for w in 0..<words {
            block.accumulate(
              a0[w], a1[w], a2[w], a3[w], _mm512_loadu_si512(p0 + 8 * w), _mm512_loadu_si512(p1 + 8 * w))
          }
          let columns = n - j
          let out = c + i * ldc + j
          let bits = _mm256_set1_epi32(Int32(bits))
          block.store(rows: m - i, columns: columns, bits: bits, c: out, ldc: ldc)
        }
      }
    }
  }

  /// Popcount sums of 4 activation rows × 16 weight rows, one 64-bit lane each.
  private struct BinaryBlock {
    var c00 = _mm512_setzero_si512(), c01 = _mm512_setzero_si512()
    var c10 = _mm512_setzero_si512(), c11 = _mm512_setzero_si512()
    var c20 = _mm512_setzero_si512(), c21 = _mm512_setzero_si512()
    var c30 = _mm512_setzero_si512(), c31 = _mm512_setzero_si512()

    @inline(__always)
    mutating func accumulate(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64, _ b0: __m512i, _ b1: __m512i) {
      let x0 = _mm512_set1_epi64(Int64(bitPattern: a0)), x1 = _mm512_set1_epi64(Int64(bitPattern: a1))
      let x2 = _mm512_set1_epi64(Int64(bitPattern: a2)), x3 = _mm512_set1_epi64(Int64(bitPattern: a3))
      c00 = _mm512_add_epi64(c00, _mm512_popcnt_epi64(_mm512_xor_si512(x0, b0)))
      c01 = _mm512_add_epi64(c01, _mm512_popcnt_epi64(_mm512_xor_si512(x0, b1)))
      c10 = _mm512_add_epi64(c10, _mm512_popcnt_epi64(_mm512_xor_si512(x1, b0)))
      c11 = _mm512_add_epi64(c11, _mm512_popcnt_epi64(_mm512_xor_si512(x1, b1)))
      c20 = _mm512_add_epi64(c20, _mm512_popcnt_epi64(_mm512_xor_si512(x2, b0)))
      c21 = _mm512_add_epi64(c21, _mm512_popcnt_epi64(_mm512_xor_si512(x2, b1)))
      c30 = _mm512_add_epi64(c30, _mm512_popcnt_epi64(_mm512_xor_si512(x3, b0)))
      c31 = _mm512_add_epi64(c31, _mm512_popcnt_epi64(_mm512_xor_si512(x3, b1)))
    }

    /// Writes `bits - popcount` for the first `rows` rows and `columns` columns.
    @inline(__always)
    func store(rows: Int, columns: Int, bits: __m256i, c: UnsafeMutablePointer<Int32>, ldc: Int) {
      storeRow(c00, c01, columns: columns, bits: bits, to: c)
      if rows > 1 { storeRow(c10, c11, columns: columns, bits: bits, to: c + ldc) }
      if rows > 2 { storeRow(c20, c21, columns: columns, bits: bits, to: c + 2 * ldc) }
      if rows > 3 { storeRow(c30, c31, columns: columns, bits: bits, to: c + 3 * ldc) }
    }

    @inline(__always)
    private func storeRow(
      _ low: __m512i, _ high: __m512i, columns: Int, bits: __m256i, to c: UnsafeMutablePointer<Int32>
    ) {
      storeEight(low, columns: columns, bits: bits, to: c)
      storeEight(high, columns: columns - 8, bits: bits, to: c + 8)
    }

    @inline(__always)
    private func storeEight(_ counts: __m512i, columns: Int, bits: __m256i, to c: UnsafeMutablePointer<Int32>) {
      guard columns > 0 else { return }
      let matches = _mm256_sub_epi32(bits, _mm512_cvtepi64_epi32(counts))
      if columns >= 8 {
        _mm256_storeu_si256(UnsafeMutablePointer(OpaquePointer(c)), matches)
      } else {
        _mm256_mask_storeu_epi32(c, __mmask8((1 << columns) - 1), matches)
      }
    }
  }
#endif
