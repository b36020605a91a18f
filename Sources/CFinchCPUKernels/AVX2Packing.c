#include "CFinchCPUKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "Targets.h"

FINCH_AVX2 void finch_avx2_pack_signs(
  const int16_t *source, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t stride, uint64_t *destination, ptrdiff_t words) {
  __m256i zero = _mm256_setzero_si256();
  for (ptrdiff_t r = 0; r < rows; r++) {
    const int16_t *src = source + r * stride;
    uint64_t *dst = destination + r * words;
    for (ptrdiff_t w = 0; w < words; w++) {
      uint64_t word = 0;
      ptrdiff_t c = w * 64;
      ptrdiff_t end = c + 64 < columns ? c + 64 : columns;
      while (c + 32 <= end) {
        __m256i lo = _mm256_cmpgt_epi16(_mm256_loadu_si256((const __m256i *)(src + c)), zero);
        __m256i hi = _mm256_cmpgt_epi16(_mm256_loadu_si256((const __m256i *)(src + c + 16)), zero);
        // packs interleaves the 128-bit lanes: the byte mask holds values
        // 0-7, 16-23, 8-15, 24-31 in its four bytes; swap the middle two.
        uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_packs_epi16(lo, hi));
        uint32_t ordered = (m & 0xFF0000FFu) | ((m >> 8) & 0x0000FF00u) | ((m << 8) & 0x00FF0000u);
        word |= (uint64_t)ordered << (c - w * 64);
        c += 32;
      }
      for (; c < end; c++) word |= (uint64_t)(src[c] > 0 ? 1 : 0) << (c - w * 64);
      dst[w] = word;
    }
  }
}
#endif
