#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX2Kernels {
    /// Packs `rows` rows of `columns` 16-bit values (`stride` apart) into bits,
    /// bit set where the value is > 0, `words` words a row (padding bits zero):
    /// 32 values at a time through compare, pack to bytes and byte mask; the
    /// tail of a row goes value by value.
    @inline(never)
    public static func packSigns(
      _ source: UnsafePointer<Int16>, rows: Int, columns: Int, stride: Int, into destination: UnsafeMutablePointer<UInt64>,
      words: Int
    ) {
      let zero = _mm256_setzero_si256()
      for r in 0..<rows {
        let src = source + r * stride, dst = destination + r * words
        for w in 0..<words {
          var word: UInt64 = 0
          var c = w * 64
          let end = min(c + 64, columns)
          while c + 32 <= end {
            let lo = _mm256_cmpgt_epi16(_mm256_loadu_si256(UnsafeRawPointer(src + c).assumingMemoryBound(to: __m256i.self)), zero)
            let hi = _mm256_cmpgt_epi16(
              _mm256_loadu_si256(UnsafeRawPointer(src + c + 16).assumingMemoryBound(to: __m256i.self)), zero)
            // packs interleaves the 128-bit lanes: the byte mask holds values
            // 0-7, 16-23, 8-15, 24-31 in its four bytes; swap the middle two.
            let m = UInt32(bitPattern: _mm256_movemask_epi8(_mm256_packs_epi16(lo, hi)))
            let ordered = (m & 0xFF00_00FF) | ((m >> 8) & 0x0000_FF00) | ((m << 8) & 0x00FF_0000)
            word |= UInt64(ordered) << UInt64(c - w * 64)
            c += 32
          }
          while c < end {
            word |= UInt64(src[c] > 0 ? 1 : 0) << UInt64(c - w * 64)
            c += 1
          }
          dst[w] = word
        }
      }
    }
  }
#endif
