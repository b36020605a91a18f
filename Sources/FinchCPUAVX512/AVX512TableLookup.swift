#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX512Kernels {
    /// `out[i] = table[values[i] - offset]` for a 256-entry table and indices in
    /// 0...255: the table sits in eight registers; four two-register word
    /// permutes (VPERMT2W) pick by the low six index bits, and two blends by bits 6 and 7.
    @inline(never)
    public static func lookup256(
      _ table: UnsafePointer<Int16>, _ values: UnsafePointer<Int16>, count: Int, offset: Int16,
      into out: UnsafeMutablePointer<Int16>
    ) {
      let t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 32)
      let t2 = _mm512_loadu_si512(table + 64), t3 = _mm512_loadu_si512(table + 96)
      let t4 = _mm512_loadu_si512(table + 128), t5 = _mm512_loadu_si512(table + 160)
      let t6 = _mm512_loadu_si512(table + 192), t7 = _mm512_loadu_si512(table + 224)
      let shift = _mm512_set1_epi16(offset), bit6 = _mm512_set1_epi16(64), bit7 = _mm512_set1_epi16(128)
      var i = 0
      while i < count {
        let n = min(32, count - i)
        let mask: __mmask32 = n == 32 ? ~0 : (1 << UInt32(n)) - 1
        let index = _mm512_sub_epi16(_mm512_maskz_loadu_epi16(mask, values + i), shift)
        let quarter0 = _mm512_permutex2var_epi16(t0, index, t1), quarter1 = _mm512_permutex2var_epi16(t2, index, t3)
        let quarter2 = _mm512_permutex2var_epi16(t4, index, t5), quarter3 = _mm512_permutex2var_epi16(t6, index, t7)
        let upper6 = _mm512_test_epi16_mask(index, bit6)
        let low = _mm512_mask_blend_epi16(upper6, quarter0, quarter1)
        let high = _mm512_mask_blend_epi16(upper6, quarter2, quarter3)
        _mm512_mask_storeu_epi16(out + i, mask, _mm512_mask_blend_epi16(_mm512_test_epi16_mask(index, bit7), low, high))
        i += 32
      }
    }
  }
#endif
