#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

/// Counts of 2 activation rows × 8 weight rows: per byte while accumulating a
/// chunk, per 64-bit lane once summed.
typedef struct {
  __m256i c00, c01, c10, c11;
} BinaryBlock;

FINCH_AVX2_INLINE BinaryBlock binary_block_zero(void) {
  __m256i zero = _mm256_setzero_si256();
  return (BinaryBlock){zero, zero, zero, zero};
}

/// The popcount of every byte of `x`.
FINCH_AVX2_INLINE __m256i byte_popcount(__m256i x) {
  // Popcounts of 0...15 in each 128-bit half (bytes 0...15, little-endian).
  const __m256i table =
    _mm256_set_epi64x(0x0403030203020201, 0x0302020102010100, 0x0403030203020201, 0x0302020102010100);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i low = _mm256_and_si256(x, nibble);
  __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
  return _mm256_add_epi8(_mm256_shuffle_epi8(table, low), _mm256_shuffle_epi8(table, high));
}

/// Adds the byte popcounts of `a XOR b` for each row pair.
FINCH_AVX2_INLINE void accumulate(BinaryBlock *block, uint64_t a0, uint64_t a1, __m256i b0, __m256i b1) {
  __m256i x0 = _mm256_set1_epi64x((long long)a0), x1 = _mm256_set1_epi64x((long long)a1);
  block->c00 = _mm256_add_epi8(block->c00, byte_popcount(_mm256_xor_si256(x0, b0)));
  block->c01 = _mm256_add_epi8(block->c01, byte_popcount(_mm256_xor_si256(x0, b1)));
  block->c10 = _mm256_add_epi8(block->c10, byte_popcount(_mm256_xor_si256(x1, b0)));
  block->c11 = _mm256_add_epi8(block->c11, byte_popcount(_mm256_xor_si256(x1, b1)));
}

/// Adds the byte counts of `bytes`, summed into 64-bit lanes.
FINCH_AVX2_INLINE void add_bytes(BinaryBlock *block, const BinaryBlock *bytes) {
  __m256i zero = _mm256_setzero_si256();
  block->c00 = _mm256_add_epi64(block->c00, _mm256_sad_epu8(bytes->c00, zero));
  block->c01 = _mm256_add_epi64(block->c01, _mm256_sad_epu8(bytes->c01, zero));
  block->c10 = _mm256_add_epi64(block->c10, _mm256_sad_epu8(bytes->c10, zero));
  block->c11 = _mm256_add_epi64(block->c11, _mm256_sad_epu8(bytes->c11, zero));
}

/// Writes `bits - count` for the first `columns` (at most 8) of the counts in
/// `low` (columns 0-3) and `high` (4-7): a full row as one vector, a partial
/// one value by value (vectorized, that loop would become VPMASKMOVD stores,
/// which are slow on AMD Zen and slowed the plan's next step threefold).
FINCH_AVX2_INLINE void store_row(__m256i low, __m256i high, ptrdiff_t columns, int32_t bits, int32_t *c) {
  if (columns >= 8) {
    // The low 32 bits of each 64-bit count (counts are below 2^31).
    const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    __m128i first = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(low, pick));
    __m128i second = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(high, pick));
    __m256i counts = _mm256_inserti128_si256(_mm256_castsi128_si256(first), second, 1);
    _mm256_storeu_si256((__m256i *)c, _mm256_sub_epi32(_mm256_set1_epi32(bits), counts));
    return;
  }
  int64_t counts[8];
  _mm256_storeu_si256((__m256i *)counts, low);
  _mm256_storeu_si256((__m256i *)(counts + 4), high);
#pragma clang loop vectorize(disable)
  for (ptrdiff_t col = 0; col < columns; col++) c[col] = (int32_t)((uint32_t)bits - (uint32_t)counts[col]);
}

/// Writes `bits - count` for the first `rows` rows and `columns` columns.
FINCH_AVX2_INLINE void store(
  const BinaryBlock *block, ptrdiff_t rows, ptrdiff_t columns, int32_t bits, int32_t *c, ptrdiff_t ldc) {
  store_row(block->c00, block->c01, columns, bits, c);
  if (rows > 1) store_row(block->c10, block->c11, columns, bits, c + ldc);
}

FINCH_AVX2 void finch_avx2_binary_matches(
  const uint64_t *a, ptrdiff_t m, ptrdiff_t words, const uint64_t *panels, ptrdiff_t n, ptrdiff_t bits, int32_t *c,
  ptrdiff_t ldc) {
  ptrdiff_t panel_stride = words * 8;
  for (ptrdiff_t i = 0; i < m; i += 2) {
    // A row past m repeats the last row; its results are never stored.
    const uint64_t *a0 = a + i * words, *a1 = a + (i + 1 < m ? i + 1 : m - 1) * words;
    for (ptrdiff_t j = 0; j < n; j += 8) {
      const uint64_t *panel = panels + (j / 8) * panel_stride;
      BinaryBlock block = binary_block_zero();
      ptrdiff_t w = 0;
      while (w < words) {
        ptrdiff_t end = w + 31 < words ? w + 31 : words;
        BinaryBlock bytes = binary_block_zero();
        for (; w < end; w++) {
          accumulate(
            &bytes, a0[w], a1[w], _mm256_loadu_si256((const __m256i *)(panel + 8 * w)),
            _mm256_loadu_si256((const __m256i *)(panel + 8 * w + 4)));
        }
        add_bytes(&block, &bytes);
      }
      store(&block, m - i, n - j, (int32_t)bits, c + i * ldc + j, ldc);
    }
  }
}
#endif
