#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "Targets.h"

/// Int32 sums of 4 activation rows × 16 weight rows.
typedef struct {
  __m256i c00, c01, c10, c11, c20, c21, c30, c31;
} IntegerBlock;

/// Values `2t` and `2t + 1` of a row as one 32-bit lane.
FINCH_AVX2_INLINE int32_t pair(const int16_t *row, ptrdiff_t t) {
  int32_t lane;
  memcpy(&lane, row + 2 * t, sizeof lane);
  return lane;
}

/// Value `2t` alone in the low half of a 32-bit lane.
FINCH_AVX2_INLINE int32_t single(const int16_t *row, ptrdiff_t t) { return (int32_t)(uint16_t)row[2 * t]; }

FINCH_AVX2_INLINE void accumulate(
  IntegerBlock *k, int32_t a0, int32_t a1, int32_t a2, int32_t a3, const int16_t *pair) {
  __m256i b0 = _mm256_loadu_si256((const __m256i *)pair);
  __m256i b1 = _mm256_loadu_si256((const __m256i *)(pair + 16));
  __m256i x0 = _mm256_set1_epi32(a0), x1 = _mm256_set1_epi32(a1);
  __m256i x2 = _mm256_set1_epi32(a2), x3 = _mm256_set1_epi32(a3);
  k->c00 = _mm256_add_epi32(k->c00, _mm256_madd_epi16(x0, b0));
  k->c01 = _mm256_add_epi32(k->c01, _mm256_madd_epi16(x0, b1));
  k->c10 = _mm256_add_epi32(k->c10, _mm256_madd_epi16(x1, b0));
  k->c11 = _mm256_add_epi32(k->c11, _mm256_madd_epi16(x1, b1));
  k->c20 = _mm256_add_epi32(k->c20, _mm256_madd_epi16(x2, b0));
  k->c21 = _mm256_add_epi32(k->c21, _mm256_madd_epi16(x2, b1));
  k->c30 = _mm256_add_epi32(k->c30, _mm256_madd_epi16(x3, b0));
  k->c31 = _mm256_add_epi32(k->c31, _mm256_madd_epi16(x3, b1));
}

FINCH_AVX2_INLINE void store_row(__m256i low, __m256i high, ptrdiff_t columns, int32_t *c) {
  if (columns >= 16) {
    _mm256_storeu_si256((__m256i *)c, low);
    _mm256_storeu_si256((__m256i *)(c + 8), high);
  } else {
    int32_t sums[16];
    _mm256_storeu_si256((__m256i *)sums, low);
    _mm256_storeu_si256((__m256i *)(sums + 8), high);
    for (ptrdiff_t col = 0; col < columns; col++) c[col] = sums[col];
  }
}

/// Writes the first `rows` rows and `columns` columns.
FINCH_AVX2_INLINE void store(const IntegerBlock *k, ptrdiff_t rows, ptrdiff_t columns, int32_t *c, ptrdiff_t ldc) {
  store_row(k->c00, k->c01, columns, c);
  if (rows > 1) store_row(k->c10, k->c11, columns, c + ldc);
  if (rows > 2) store_row(k->c20, k->c21, columns, c + 2 * ldc);
  if (rows > 3) store_row(k->c30, k->c31, columns, c + 3 * ldc);
}

FINCH_AVX2 void finch_avx2_integer_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, const int16_t *panels, ptrdiff_t n, ptrdiff_t depth, int32_t *c,
  ptrdiff_t ldc) {
  ptrdiff_t full_pairs = depth / 2, pairs = (depth + 1) / 2;
  ptrdiff_t panel_stride = pairs * 32;
  for (ptrdiff_t i = 0; i < m; i += 4) {
    // Rows past m repeat the last row; their results are never stored.
    ptrdiff_t last = m - 1;
    const int16_t *a0 = a + i * lda, *a1 = a + (i + 1 < last ? i + 1 : last) * lda;
    const int16_t *a2 = a + (i + 2 < last ? i + 2 : last) * lda, *a3 = a + (i + 3 < last ? i + 3 : last) * lda;
    for (ptrdiff_t j = 0; j < n; j += 16) {
      const int16_t *panel = panels + (j / 16) * panel_stride;
      __m256i zero = _mm256_setzero_si256();
      IntegerBlock block = {zero, zero, zero, zero, zero, zero, zero, zero};
      for (ptrdiff_t t = 0; t < full_pairs; t++) {
        accumulate(&block, pair(a0, t), pair(a1, t), pair(a2, t), pair(a3, t), panel + 32 * t);
      }
      if (pairs > full_pairs) {
        // An odd depth: the last value alone (the panel holds zero beside it).
        ptrdiff_t t = full_pairs;
        accumulate(&block, single(a0, t), single(a1, t), single(a2, t), single(a3, t), panel + 32 * t);
      }
      store(&block, m - i, n - j, c + i * ldc + j, ldc);
    }
  }
}
#endif
