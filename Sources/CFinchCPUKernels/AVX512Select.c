#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

FINCH_AVX512 void finch_avx512_select_at_least(
  const int32_t *acc, ptrdiff_t rows, const int32_t *t, ptrdiff_t count, int16_t low, int16_t high, int16_t *out) {
  __m256i lows = _mm256_set1_epi16(low), highs = _mm256_set1_epi16(high);
  for (ptrdiff_t r = 0; r < rows; r++) {
    const int32_t *a = acc + r * count;
    int16_t *o = out + r * count;
    for (ptrdiff_t c = 0; c < count; c += 16) {
      ptrdiff_t n = count - c < 16 ? count - c : 16;
      __mmask16 mask = n == 16 ? 0xFFFF : (__mmask16)((1u << n) - 1);
      __m512i difference = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(mask, a + c), _mm512_maskz_loadu_epi32(mask, t + c));
      // All ones where acc < t.
      __m256i below = _mm512_cvtepi32_epi16(_mm512_srai_epi32(difference, 31));
      __m256i levels = _mm256_or_si256(_mm256_and_si256(below, lows), _mm256_andnot_si256(below, highs));
      _mm256_mask_storeu_epi16(o + c, mask, levels);
    }
  }
}
#endif
