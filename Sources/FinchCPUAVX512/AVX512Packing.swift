#if arch(x86_64)
  import _Builtin_intrinsics.intel

  extension AVX512Kernels {
    /// Packs `rows` rows of `columns` 16-bit values (`stride` apart) into bits,
    /// bit set where the value is > 0, `words` words a row (padding bits zero):
    /// 32 values at a time, `v > 0` read off the sign of the saturating `v - 1`.
    @inline(never)
    public static func packSigns(
      _ source: UnsafePointer<Int16>, rows: Int, columns: Int, stride: Int, into destination: UnsafeMutablePointer<UInt64>,
      words: Int
    ) {
      let one = _mm512_set1_epi16(1)
      for r in 0..<rows {
        let src = source + r * stride, dst = destination + r * words
        for w in 0..<words {
          var word: UInt64 = 0
          for half in 0..<2 {
            let start = w * 64 + half * 32
            let count = min(32, columns - start)
            guard count > 0 else { break }
            let load: __mmask32 = count == 32 ? ~0 : (1 << UInt32(count)) - 1
            let v = _mm512_maskz_loadu_epi16(load, src + start)
            let positive = ~_mm512_movepi16_mask(_mm512_subs_epi16(v, one)) & load
            word |= UInt64(positive) << UInt64(half * 32)
          }
          dst[w] = word
        }
      }
    }
  }
#endif
