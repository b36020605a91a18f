#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

FINCH_AVX512 void finch_avx512_pack_signs(
  const int16_t *source, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t stride, uint64_t *destination, ptrdiff_t words) {
  __m512i one = _mm512_set1_epi16(1);
  for (ptrdiff_t r = 0; r < rows; r++) {
    const int16_t *src = source + r * stride;
    uint64_t *dst = destination + r * words;
    for (ptrdiff_t w = 0; w < words; w++) {
      uint64_t word = 0;
      for (int half = 0; half < 2; half++) {
        ptrdiff_t start = w * 64 + half * 32;
        ptrdiff_t count = columns - start < 32 ? columns - start : 32;
        if (count <= 0) break;
        __mmask32 load = count == 32 ? 0xFFFFFFFFu : (1u << count) - 1;
        __m512i v = _mm512_maskz_loadu_epi16(load, src + start);
        __mmask32 positive = ~_mm512_movepi16_mask(_mm512_subs_epi16(v, one)) & load;
        word |= (uint64_t)positive << (half * 32);
      }
      dst[w] = word;
    }
  }
}
#endif
