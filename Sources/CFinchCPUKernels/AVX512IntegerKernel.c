#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <string.h>

#include "AVX512IntegerBlock.h"

/// Values `2t` and `2t + 1` of a row as one 32-bit lane.
FINCH_AVX512_INLINE int32_t pair(const int16_t *row, ptrdiff_t t) {
  int32_t lane;
  memcpy(&lane, row + 2 * t, sizeof lane);
  return lane;
}

/// Value `2t` alone in the low half of a 32-bit lane.
FINCH_AVX512_INLINE int32_t single(const int16_t *row, ptrdiff_t t) { return (int32_t)(uint16_t)row[2 * t]; }

FINCH_AVX512 void finch_avx512_integer_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, const int16_t *panels, ptrdiff_t n, ptrdiff_t depth, int32_t *c,
  ptrdiff_t ldc) {
  ptrdiff_t full_pairs = depth / 2, pairs = (depth + 1) / 2;
  ptrdiff_t panel_stride = pairs * 32;
  for (ptrdiff_t i = 0; i < m; i += 4) {
    // Rows past m repeat the last row; their results are never stored.
    ptrdiff_t last = m - 1;
    const int16_t *a0 = a + i * lda, *a1 = a + (i + 1 < last ? i + 1 : last) * lda;
    const int16_t *a2 = a + (i + 2 < last ? i + 2 : last) * lda, *a3 = a + (i + 3 < last ? i + 3 : last) * lda;
    for (ptrdiff_t j = 0; j < n; j += 32) {
      const int16_t *p0 = panels + (j / 16) * panel_stride, *p1 = p0 + panel_stride;
      IntegerBlock block = integer_block_zero();
      for (ptrdiff_t t = 0; t < full_pairs; t++) {
        integer_block_accumulate(
          &block, pair(a0, t), pair(a1, t), pair(a2, t), pair(a3, t), _mm512_loadu_si512(p0 + 32 * t),
          _mm512_loadu_si512(p1 + 32 * t));
      }
      if (pairs > full_pairs) {
        // An odd depth: the last value alone (the panels hold zero beside it).
        ptrdiff_t t = full_pairs;
        integer_block_accumulate(
          &block, single(a0, t), single(a1, t), single(a2, t), single(a3, t), _mm512_loadu_si512(p0 + 32 * t),
          _mm512_loadu_si512(p1 + 32 * t));
      }
      integer_block_store(&block, m - i, n - j, c + i * ldc + j, ldc);
    }
  }
}
#endif
