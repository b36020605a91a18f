#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX512Kernels {
    /// `out[r · count + c] = acc[r · count + c] >= t[c] ? high : low` for `rows`
    /// rows of `count` channels, sixteen at a time, with accumulators within
    /// ±2^30 and thresholds within ±(2^30 + 1), so `acc - t` cannot overflow
    /// and its sign decides.
    @inline(never)
    public static func selectAtLeast(
      _ acc: UnsafePointer<Int32>, rows: Int, _ t: UnsafePointer<Int32>, count: Int, low: Int16, high: Int16,
      into out: UnsafeMutablePointer<Int16>
    ) {
      let lows = _mm256_set1_epi16(low), highs = _mm256_set1_epi16(high)
      for r in 0..<rows {
        let (a, o) = (acc + r * count, out + r * count)
        var c = 0
        while c < count {
          let n = min(16, count - c)
          let mask: __mmask16 = n == 16 ? 0xFFFF : __mmask16((1 << n) - 1)
          let difference = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(mask, a + c), _mm512_maskz_loadu_epi32(mask, t + c))
          // All ones where acc < t.
          let below = _mm512_cvtepi32_epi16(_mm512_srai_epi32(difference, 31))
          let levels = _mm256_or_si256(_mm256_and_si256(below, lows), _mm256_andnot_si256(below, highs))
          _mm256_mask_storeu_epi16(o + c, mask, levels)
          c += 16
        }
      }
    }
  }
#endif
