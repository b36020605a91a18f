#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX512Kernels {
    /// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` for activations that are
    /// 8-bit values held in Int16 (`a + offset` in 0...255) and signed 8-bit
    /// weights in 16-row panels of depth quads (`panels[(j / 16) * quads * 64 +
    /// q * 64 + (j % 16) * 4 + e]` = `b_j[4q + e]`, `quads = (depth + 3) / 4`,
    /// an even number of panels, zero past `n` and past `depth`), with
    /// `columnSums[j] = offset · Σ_p b_j[p]`.
    ///
    /// Each block of four rows is first narrowed to unsigned bytes (`a + offset`)
    /// in `scratch` (`4 · quads · 4` bytes); then one VPDPBUSD per row and panel
    /// adds four exact u8 × s8 products into each Int32 lane (wrapping, never
    /// saturating), and the offset's share, `columnSums`, is taken off at the end.
    @inline(never)
    public static func byteMultiply(
      a: UnsafePointer<Int16>, rows m: Int, lda: Int, offset: Int16, panels: UnsafePointer<Int8>, columns n: Int,
      depth: Int, columnSums: UnsafePointer<Int32>, scratch: UnsafeMutablePointer<UInt8>, c: UnsafeMutablePointer<Int32>,
      ldc: Int
    ) {
      let quads = (depth + 3) / 4
      let panelStride = quads * 64, rowBytes = quads * 4
      let shift = _mm512_set1_epi16(offset)
      for i in stride(from: 0, to: m, by: 4) {
        // Narrow four rows (rows past m repeat the last; their results are never stored).
        for r in 0..<4 {
          narrow(a + min(i + r, m - 1) * lda, depth: depth, shift: shift, into: scratch + r * rowBytes, bytes: rowBytes)
        }
        let rows = UnsafeRawPointer(scratch)
        for j in stride(from: 0, to: n, by: 32) {
          let p0 = panels + (j / 16) * panelStride, p1 = p0 + panelStride
          var block = IntegerBlock()
          for q in 0..<quads {
            block.accumulateBytes(
              rows.loadUnaligned(fromByteOffset: 4 * q, as: Int32.self),
              rows.loadUnaligned(fromByteOffset: rowBytes + 4 * q, as: Int32.self),
              rows.loadUnaligned(fromByteOffset: 2 * rowBytes + 4 * q, as: Int32.self),
              rows.loadUnaligned(fromByteOffset: 3 * rowBytes + 4 * q, as: Int32.self),
              _mm512_loadu_si512(p0 + 64 * q), _mm512_loadu_si512(p1 + 64 * q))
          }
          block.subtract(_mm512_loadu_si512(columnSums + j), _mm512_loadu_si512(columnSums + j + 16))
          block.store(rows: m - i, columns: n - j, c: c + i * ldc + j, ldc: ldc)
        }
      }
    }

    /// `row[p] + offset` as bytes for `p < depth`, zero up to `bytes`.
    @inline(__always)
    private static func narrow(
      _ row: UnsafePointer<Int16>, depth: Int, shift: __m512i, into out: UnsafeMutablePointer<UInt8>, bytes: Int
    ) {
      var p = 0
      while p < depth {
        let count = min(32, depth - p)
        let mask: __mmask32 = count == 32 ? ~0 : (1 << UInt32(count)) - 1
        let v = _mm512_add_epi16(_mm512_maskz_loadu_epi16(mask, row + p), shift)
        _mm256_mask_storeu_epi8(out + p, mask, _mm512_cvtepi16_epi8(v))
        p += 32
      }
      for q in depth..<bytes { out[q] = 0 }
    }
  }
#endif
