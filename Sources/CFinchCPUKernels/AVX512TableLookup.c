#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

FINCH_AVX512 void finch_avx512_lookup256(
  const int16_t *table, const int16_t *values, ptrdiff_t count, int16_t offset, int16_t *out) {
  __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 32);
  __m512i t2 = _mm512_loadu_si512(table + 64), t3 = _mm512_loadu_si512(table + 96);
  __m512i t4 = _mm512_loadu_si512(table + 128), t5 = _mm512_loadu_si512(table + 160);
  __m512i t6 = _mm512_loadu_si512(table + 192), t7 = _mm512_loadu_si512(table + 224);
  __m512i shift = _mm512_set1_epi16(offset), bit6 = _mm512_set1_epi16(64), bit7 = _mm512_set1_epi16(128);
  for (ptrdiff_t i = 0; i < count; i += 32) {
    ptrdiff_t n = count - i < 32 ? count - i : 32;
    __mmask32 mask = n == 32 ? 0xFFFFFFFFu : (1u << n) - 1;
    __m512i index = _mm512_sub_epi16(_mm512_maskz_loadu_epi16(mask, values + i), shift);
    __m512i quarter0 = _mm512_permutex2var_epi16(t0, index, t1), quarter1 = _mm512_permutex2var_epi16(t2, index, t3);
    __m512i quarter2 = _mm512_permutex2var_epi16(t4, index, t5), quarter3 = _mm512_permutex2var_epi16(t6, index, t7);
    __mmask32 upper6 = _mm512_test_epi16_mask(index, bit6);
    __m512i low = _mm512_mask_blend_epi16(upper6, quarter0, quarter1);
    __m512i high = _mm512_mask_blend_epi16(upper6, quarter2, quarter3);
    _mm512_mask_storeu_epi16(out + i, mask, _mm512_mask_blend_epi16(_mm512_test_epi16_mask(index, bit7), low, high));
  }
}
#endif
