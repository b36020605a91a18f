#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <string.h>

#include "AVX512IntegerBlock.h"

/// `row[p] + offset` as bytes for `p < depth`, zero up to `bytes`.
FINCH_AVX512_INLINE void narrow(const int16_t *row, ptrdiff_t depth, __m512i shift, uint8_t *out, ptrdiff_t bytes) {
  for (ptrdiff_t p = 0; p < depth; p += 32) {
    ptrdiff_t count = depth - p < 32 ? depth - p : 32;
    __mmask32 mask = count == 32 ? 0xFFFFFFFFu : (1u << count) - 1;
    __m512i v = _mm512_add_epi16(_mm512_maskz_loadu_epi16(mask, row + p), shift);
    _mm256_mask_storeu_epi8(out + p, mask, _mm512_cvtepi16_epi8(v));
  }
  for (ptrdiff_t q = depth; q < bytes; q++) out[q] = 0;
}

/// Four bytes of a narrowed row as one 32-bit lane.
FINCH_AVX512_INLINE int32_t quad(const uint8_t *row, ptrdiff_t q) {
  int32_t lane;
  memcpy(&lane, row + 4 * q, sizeof lane);
  return lane;
}

FINCH_AVX512 void finch_avx512_byte_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, int16_t offset, const int8_t *panels, ptrdiff_t n, ptrdiff_t depth,
  const int32_t *column_sums, uint8_t *scratch, int32_t *c, ptrdiff_t ldc) {
  ptrdiff_t quads = (depth + 3) / 4;
  ptrdiff_t panel_stride = quads * 64, row_bytes = quads * 4;
  __m512i shift = _mm512_set1_epi16(offset);
  for (ptrdiff_t i = 0; i < m; i += 4) {
    // Narrow four rows (rows past m repeat the last; their results are never stored).
    for (ptrdiff_t r = 0; r < 4; r++) {
      ptrdiff_t row = i + r < m - 1 ? i + r : m - 1;
      narrow(a + row * lda, depth, shift, scratch + r * row_bytes, row_bytes);
    }
    const uint8_t *r0 = scratch, *r1 = scratch + row_bytes, *r2 = scratch + 2 * row_bytes;
    const uint8_t *r3 = scratch + 3 * row_bytes;
    for (ptrdiff_t j = 0; j < n; j += 32) {
      const int8_t *p0 = panels + (j / 16) * panel_stride, *p1 = p0 + panel_stride;
      IntegerBlock block = integer_block_zero();
      for (ptrdiff_t q = 0; q < quads; q++) {
        integer_block_accumulate_bytes(
          &block, quad(r0, q), quad(r1, q), quad(r2, q), quad(r3, q), _mm512_loadu_si512(p0 + 64 * q),
          _mm512_loadu_si512(p1 + 64 * q));
      }
      integer_block_subtract(&block, _mm512_loadu_si512(column_sums + j), _mm512_loadu_si512(column_sums + j + 16));
      integer_block_store(&block, m - i, n - j, c + i * ldc + j, ldc);
    }
  }
}
#endif
