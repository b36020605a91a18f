#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

/// Popcount sums of 4 activation rows × 16 weight rows, one 64-bit lane each.
typedef struct {
  __m512i c00, c01, c10, c11, c20, c21, c30, c31;
} BinaryBlock;

FINCH_AVX512_INLINE void accumulate(
  BinaryBlock *k, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, __m512i b0, __m512i b1) {
  __m512i x0 = _mm512_set1_epi64((long long)a0), x1 = _mm512_set1_epi64((long long)a1);
  __m512i x2 = _mm512_set1_epi64((long long)a2), x3 = _mm512_set1_epi64((long long)a3);
  k->c00 = _mm512_add_epi64(k->c00, _mm512_popcnt_epi64(_mm512_xor_si512(x0, b0)));
  k->c01 = _mm512_add_epi64(k->c01, _mm512_popcnt_epi64(_mm512_xor_si512(x0, b1)));
  k->c10 = _mm512_add_epi64(k->c10, _mm512_popcnt_epi64(_mm512_xor_si512(x1, b0)));
  k->c11 = _mm512_add_epi64(k->c11, _mm512_popcnt_epi64(_mm512_xor_si512(x1, b1)));
  k->c20 = _mm512_add_epi64(k->c20, _mm512_popcnt_epi64(_mm512_xor_si512(x2, b0)));
  k->c21 = _mm512_add_epi64(k->c21, _mm512_popcnt_epi64(_mm512_xor_si512(x2, b1)));
  k->c30 = _mm512_add_epi64(k->c30, _mm512_popcnt_epi64(_mm512_xor_si512(x3, b0)));
  k->c31 = _mm512_add_epi64(k->c31, _mm512_popcnt_epi64(_mm512_xor_si512(x3, b1)));
}

FINCH_AVX512_INLINE void store_eight(__m512i counts, ptrdiff_t columns, __m256i bits, int32_t *c) {
  if (columns <= 0) return;
  __m256i matches = _mm256_sub_epi32(bits, _mm512_cvtepi64_epi32(counts));
  if (columns >= 8) {
    _mm256_storeu_si256((__m256i *)c, matches);
  } else {
    _mm256_mask_storeu_epi32(c, (__mmask8)((1u << columns) - 1), matches);
  }
}

FINCH_AVX512_INLINE void store_row(__m512i low, __m512i high, ptrdiff_t columns, __m256i bits, int32_t *c) {
  store_eight(low, columns, bits, c);
  store_eight(high, columns - 8, bits, c + 8);
}

/// Writes `bits - popcount` for the first `rows` rows and `columns` columns.
FINCH_AVX512_INLINE void store(
  const BinaryBlock *k, ptrdiff_t rows, ptrdiff_t columns, __m256i bits, int32_t *c, ptrdiff_t ldc) {
  store_row(k->c00, k->c01, columns, bits, c);
  if (rows > 1) store_row(k->c10, k->c11, columns, bits, c + ldc);
  if (rows > 2) store_row(k->c20, k->c21, columns, bits, c + 2 * ldc);
  if (rows > 3) store_row(k->c30, k->c31, columns, bits, c + 3 * ldc);
}

FINCH_AVX512 void finch_avx512_binary_matches(
  const uint64_t *a, ptrdiff_t m, ptrdiff_t words, const uint64_t *panels, ptrdiff_t n, ptrdiff_t bits, int32_t *c,
  ptrdiff_t ldc) {
  ptrdiff_t panel_stride = words * 8;
  for (ptrdiff_t i = 0; i < m; i += 4) {
    // Rows past m repeat the last row; their results are never stored.
    ptrdiff_t last = m - 1;
    const uint64_t *a0 = a + i * words, *a1 = a + (i + 1 < last ? i + 1 : last) * words;
    const uint64_t *a2 = a + (i + 2 < last ? i + 2 : last) * words, *a3 = a + (i + 3 < last ? i + 3 : last) * words;
    for (ptrdiff_t j = 0; j < n; j += 16) {
      const uint64_t *p0 = panels + (j / 8) * panel_stride, *p1 = p0 + panel_stride;
      __m512i zero = _mm512_setzero_si512();
      BinaryBlock block = {zero, zero, zero, zero, zero, zero, zero, zero};
      for (ptrdiff_t w = 0; w < words; w++) {
        accumulate(&block, a0[w], a1[w], a2[w], a3[w], _mm512_loadu_si512(p0 + 8 * w), _mm512_loadu_si512(p1 + 8 * w));
      }
      store(&block, m - i, n - j, _mm256_set1_epi32((int32_t)bits), c + i * ldc + j, ldc);
    }
  }
}
#endif
