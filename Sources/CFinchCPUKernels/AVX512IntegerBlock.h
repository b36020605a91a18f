#ifndef CFINCHCPUKERNELS_AVX512INTEGERBLOCK_H
#define CFINCHCPUKERNELS_AVX512INTEGERBLOCK_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "Targets.h"

/// Int32 sums of 4 activation rows × 32 weight rows.
/// Used by the 16-bit kernel (VPDPWSSD) and the byte kernel (VPDPBUSD).
typedef struct {
  __m512i c00, c01, c10, c11, c20, c21, c30, c31;
} IntegerBlock;

FINCH_AVX512_INLINE IntegerBlock integer_block_zero(void) {
  __m512i zero = _mm512_setzero_si512();
  return (IntegerBlock){zero, zero, zero, zero, zero, zero, zero, zero};
}

/// Adds two int16 × int16 products per lane: `a0 ... a3` are two values of each activation row.
FINCH_AVX512_INLINE void integer_block_accumulate(
  IntegerBlock *k, int32_t a0, int32_t a1, int32_t a2, int32_t a3, __m512i b0, __m512i b1) {
  __m512i x0 = _mm512_set1_epi32(a0), x1 = _mm512_set1_epi32(a1);
  __m512i x2 = _mm512_set1_epi32(a2), x3 = _mm512_set1_epi32(a3);
  k->c00 = _mm512_dpwssd_epi32(k->c00, x0, b0);
  k->c01 = _mm512_dpwssd_epi32(k->c01, x0, b1);
  k->c10 = _mm512_dpwssd_epi32(k->c10, x1, b0);
  k->c11 = _mm512_dpwssd_epi32(k->c11, x1, b1);
  k->c20 = _mm512_dpwssd_epi32(k->c20, x2, b0);
  k->c21 = _mm512_dpwssd_epi32(k->c21, x2, b1);
  k->c30 = _mm512_dpwssd_epi32(k->c30, x3, b0);
  k->c31 = _mm512_dpwssd_epi32(k->c31, x3, b1);
}

/// Adds four u8 × s8 products per lane: `a0 ... a3` are four bytes of each activation row.
FINCH_AVX512_INLINE void integer_block_accumulate_bytes(
  IntegerBlock *k, int32_t a0, int32_t a1, int32_t a2, int32_t a3, __m512i b0, __m512i b1) {
  __m512i x0 = _mm512_set1_epi32(a0), x1 = _mm512_set1_epi32(a1);
  __m512i x2 = _mm512_set1_epi32(a2), x3 = _mm512_set1_epi32(a3);
  k->c00 = _mm512_dpbusd_epi32(k->c00, x0, b0);
  k->c01 = _mm512_dpbusd_epi32(k->c01, x0, b1);
  k->c10 = _mm512_dpbusd_epi32(k->c10, x1, b0);
  k->c11 = _mm512_dpbusd_epi32(k->c11, x1, b1);
  k->c20 = _mm512_dpbusd_epi32(k->c20, x2, b0);
  k->c21 = _mm512_dpbusd_epi32(k->c21, x2, b1);
  k->c30 = _mm512_dpbusd_epi32(k->c30, x3, b0);
  k->c31 = _mm512_dpbusd_epi32(k->c31, x3, b1);
}

/// Subtracts `low` from the first sixteen columns of every row and `high` from the next sixteen.
FINCH_AVX512_INLINE void integer_block_subtract(IntegerBlock *k, __m512i low, __m512i high) {
  k->c00 = _mm512_sub_epi32(k->c00, low);
  k->c01 = _mm512_sub_epi32(k->c01, high);
  k->c10 = _mm512_sub_epi32(k->c10, low);
  k->c11 = _mm512_sub_epi32(k->c11, high);
  k->c20 = _mm512_sub_epi32(k->c20, low);
  k->c21 = _mm512_sub_epi32(k->c21, high);
  k->c30 = _mm512_sub_epi32(k->c30, low);
  k->c31 = _mm512_sub_epi32(k->c31, high);
}

FINCH_AVX512_INLINE void integer_block_store_sixteen(__m512i sums, ptrdiff_t columns, int32_t *c) {
  if (columns <= 0) return;
  if (columns >= 16) {
    _mm512_storeu_si512(c, sums);
  } else {
    _mm512_mask_storeu_epi32(c, (__mmask16)((1u << columns) - 1), sums);
  }
}

FINCH_AVX512_INLINE void integer_block_store_row(__m512i low, __m512i high, ptrdiff_t columns, int32_t *c) {
  integer_block_store_sixteen(low, columns, c);
  integer_block_store_sixteen(high, columns - 16, c + 16);
}

/// Writes the first `rows` rows and `columns` columns.
FINCH_AVX512_INLINE void integer_block_store(
  const IntegerBlock *k, ptrdiff_t rows, ptrdiff_t columns, int32_t *c, ptrdiff_t ldc) {
  integer_block_store_row(k->c00, k->c01, columns, c);
  if (rows > 1) integer_block_store_row(k->c10, k->c11, columns, c + ldc);
  if (rows > 2) integer_block_store_row(k->c20, k->c21, columns, c + 2 * ldc);
  if (rows > 3) integer_block_store_row(k->c30, k->c31, columns, c + 3 * ldc);
}

#endif
