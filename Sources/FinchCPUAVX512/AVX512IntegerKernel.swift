#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX512Kernels {
    /// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` in wrapping Int32 for `m`
    /// activation rows against `n` weight rows in 16-row panels of depth
    /// pairs (`panels[(j / 16) * pairs * 32 + t * 32 + (j % 16) * 2 + e]` =
    /// `b_j[2t + e]`, `pairs = (depth + 1) / 2`, an even number of panels,
    /// zero past `n` and past `depth`).
    ///
    /// Four activation rows meet 32 weight rows per step: one VPDPWSSD per
    /// row and panel adds two exact int16 × int16 products into each Int32
    /// lane (wrapping, never saturating).
    @inline(never)
    public static func integerMultiply(
      a: UnsafePointer<Int16>, rows m: Int, lda: Int, panels: UnsafePointer<Int16>, columns n: Int, depth: Int,
      c: UnsafeMutablePointer<Int32>, ldc: Int
    ) {
      let fullPairs = depth / 2, pairs = (depth + 1) / 2
      let panelStride = pairs * 32
      for i in stride(from: 0, to: m, by: 4) {
        // Rows past m repeat the last row; their results are never stored.
        let last = m - 1
        let a0 = a + i * lda, a1 = a + min(i + 1, last) * lda
        let a2 = a + min(i + 2, last) * lda, a3 = a + min(i + 3, last) * lda
        for j in stride(from: 0, to: n, by: 32) {
          let p0 = panels + (j / 16) * panelStride, p1 = p0 + panelStride
          var block = IntegerBlock()
          for t in 0..<fullPairs {
            block.accumulate(
              pair(a0, t), pair(a1, t), pair(a2, t), pair(a3, t),
              _mm512_loadu_si512(p0 + 32 * t), _mm512_loadu_si512(p1 + 32 * t))
          }
          if pairs > fullPairs {
            // An odd depth: the last value alone (the panels hold zero beside it).
            let t = fullPairs
            block.accumulate(
              single(a0, t), single(a1, t), single(a2, t), single(a3, t),
              _mm512_loadu_si512(p0 + 32 * t), _mm512_loadu_si512(p1 + 32 * t))
          }
          block.store(rows: m - i, columns: n - j, c: c + i * ldc + j, ldc: ldc)
        }
      }
    }

    /// Values `2t` and `2t + 1` of a row as one 32-bit lane.
    @inline(__always)
    private static func pair(_ row: UnsafePointer<Int16>, _ t: Int) -> Int32 {
      UnsafeRawPointer(row + 2 * t).loadUnaligned(as: Int32.self)
    }

    /// Value `2t` alone in the low half of a 32-bit lane.
    @inline(__always)
    private static func single(_ row: UnsafePointer<Int16>, _ t: Int) -> Int32 {
      Int32(UInt16(bitPattern: row[2 * t]))
    }
  }

  /// Int32 sums of 4 activation rows × 32 weight rows.
  /// Used by the 16-bit kernel (VPDPWSSD) and the byte kernel (VPDPBUSD).
  struct IntegerBlock {
    var c00 = _mm512_setzero_si512(), c01 = _mm512_setzero_si512()
    var c10 = _mm512_setzero_si512(), c11 = _mm512_setzero_si512()
    var c20 = _mm512_setzero_si512(), c21 = _mm512_setzero_si512()
    var c30 = _mm512_setzero_si512(), c31 = _mm512_setzero_si512()

    @inline(__always)
    mutating func accumulate(_ a0: Int32, _ a1: Int32, _ a2: Int32, _ a3: Int32, _ b0: __m512i, _ b1: __m512i) {
      let x0 = _mm512_set1_epi32(a0), x1 = _mm512_set1_epi32(a1)
      let x2 = _mm512_set1_epi32(a2), x3 = _mm512_set1_epi32(a3)
      c00 = _mm512_dpwssd_epi32(c00, x0, b0)
      c01 = _mm512_dpwssd_epi32(c01, x0, b1)
      c10 = _mm512_dpwssd_epi32(c10, x1, b0)
      c11 = _mm512_dpwssd_epi32(c11, x1, b1)
      c20 = _mm512_dpwssd_epi32(c20, x2, b0)
      c21 = _mm512_dpwssd_epi32(c21, x2, b1)
      c30 = _mm512_dpwssd_epi32(c30, x3, b0)
      c31 = _mm512_dpwssd_epi32(c31, x3, b1)
    }

    /// Adds four u8 × s8 products per lane: `a0 ... a3` are four bytes of each activation row.
    @inline(__always)
    mutating func accumulateBytes(_ a0: Int32, _ a1: Int32, _ a2: Int32, _ a3: Int32, _ b0: __m512i, _ b1: __m512i) {
      let x0 = _mm512_set1_epi32(a0), x1 = _mm512_set1_epi32(a1)
      let x2 = _mm512_set1_epi32(a2), x3 = _mm512_set1_epi32(a3)
      c00 = _mm512_dpbusd_epi32(c00, x0, b0)
      c01 = _mm512_dpbusd_epi32(c01, x0, b1)
      c10 = _mm512_dpbusd_epi32(c10, x1, b0)
      c11 = _mm512_dpbusd_epi32(c11, x1, b1)
      c20 = _mm512_dpbusd_epi32(c20, x2, b0)
      c21 = _mm512_dpbusd_epi32(c21, x2, b1)
      c30 = _mm512_dpbusd_epi32(c30, x3, b0)
      c31 = _mm512_dpbusd_epi32(c31, x3, b1)
    }

    /// Subtracts `low` from the first sixteen columns of every row and `high` from the next sixteen.
    @inline(__always)
    mutating func subtract(_ low: __m512i, _ high: __m512i) {
      (c00, c01) = (_mm512_sub_epi32(c00, low), _mm512_sub_epi32(c01, high))
      (c10, c11) = (_mm512_sub_epi32(c10, low), _mm512_sub_epi32(c11, high))
      (c20, c21) = (_mm512_sub_epi32(c20, low), _mm512_sub_epi32(c21, high))
      (c30, c31) = (_mm512_sub_epi32(c30, low), _mm512_sub_epi32(c31, high))
    }

    /// Writes the first `rows` rows and `columns` columns.
    @inline(__always)
    func store(rows: Int, columns: Int, c: UnsafeMutablePointer<Int32>, ldc: Int) {
      storeRow(c00, c01, columns: columns, to: c)
      if rows > 1 { storeRow(c10, c11, columns: columns, to: c + ldc) }
      if rows > 2 { storeRow(c20, c21, columns: columns, to: c + 2 * ldc) }
      if rows > 3 { storeRow(c30, c31, columns: columns, to: c + 3 * ldc) }
    }

    @inline(__always)
    private func storeRow(_ low: __m512i, _ high: __m512i, columns: Int, to c: UnsafeMutablePointer<Int32>) {
      storeSixteen(low, columns: columns, to: c)
      storeSixteen(high, columns: columns - 16, to: c + 16)
    }

    @inline(__always)
    private func storeSixteen(_ sums: __m512i, columns: Int, to c: UnsafeMutablePointer<Int32>) {
      guard columns > 0 else { return }
      if columns >= 16 {
        _mm512_storeu_si512(c, sums)
      } else {
        _mm512_mask_storeu_epi32(c, __mmask16((1 << columns) - 1), sums)
      }
    }
  }
#endif
