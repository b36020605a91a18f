#ifndef CFINCHCPUKERNELS_H
#define CFINCHCPUKERNELS_H

// SIMD kernels of the CPU backend, one instruction set each: AVX2 + POPCNT,
// and AVX-512 F/BW/VL/VPOPCNTDQ/VNNI. Call one only where the CPU has its
// instruction set (FinchCPU checks with CPUFeatures). Off x86_64 there are none.
//
// Sizes and strides are counts of elements (ptrdiff_t: Swift's Int).
// Integer arithmetic wraps, as Swift's &+ and &*.

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)

// MARK: AVX2 + POPCNT

/// `c[i * ldc + j] = bits - popcount(a_i XOR b_j)` for `m` activation rows of
/// `words` words each (`words` apart) against `n` weight rows in 8-row panels
/// (`panels[(j / 8) * words * 8 + w * 8 + j % 8]`, rows past `n` zero).
///
/// Two activation rows meet one panel (two vectors of four rows) per step.
/// AVX2 has no vector popcount: each byte's count comes from two nibble
/// look-ups (VPSHUFB), byte counts add up for 31 words (31 · 8 < 256), then
/// VPSADBW sums them into the 64-bit lanes.
void finch_avx2_binary_matches(
  const uint64_t *a, ptrdiff_t m, ptrdiff_t words, const uint64_t *panels, ptrdiff_t n, ptrdiff_t bits, int32_t *c,
  ptrdiff_t ldc);

/// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` in wrapping Int32 for `m`
/// activation rows against `n` weight rows in 16-row panels of depth pairs
/// (`panels[(j / 16) * pairs * 32 + t * 32 + (j % 16) * 2 + e]` = `b_j[2t + e]`,
/// `pairs = (depth + 1) / 2`, zero past `n` and past `depth`).
///
/// Four activation rows meet one panel (two vectors of eight rows) per step;
/// VPMADDWD forms two exact int16 × int16 products per Int32 lane (it never
/// saturates) and VPADDD accumulates them, wrapping.
void finch_avx2_integer_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, const int16_t *panels, ptrdiff_t n, ptrdiff_t depth, int32_t *c,
  ptrdiff_t ldc);

/// Packs `rows` rows of `columns` 16-bit values (`stride` apart) into bits,
/// bit set where the value is > 0, `words` words a row (padding bits zero):
/// 32 values at a time through compare, pack to bytes and byte mask; the tail
/// of a row goes value by value.
void finch_avx2_pack_signs(
  const int16_t *source, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t stride, uint64_t *destination, ptrdiff_t words);

// MARK: AVX-512 F/BW/VL/VPOPCNTDQ/VNNI

/// `c[i * ldc + j] = bits - popcount(a_i XOR b_j)` for `m` activation rows of
/// `words` words each (`words` apart) against `n` weight rows in 8-row panels
/// (`panels[(j / 8) * words * 8 + w * 8 + j % 8]`, an even number of panels,
/// rows past `n` zero).
///
/// Four activation rows meet sixteen weight rows per step: each word of a is
/// broadcast once and XORed into two panel vectors, so there is no horizontal
/// reduction and every loaded vector is used four times.
void finch_avx512_binary_matches(
  const uint64_t *a, ptrdiff_t m, ptrdiff_t words, const uint64_t *panels, ptrdiff_t n, ptrdiff_t bits, int32_t *c,
  ptrdiff_t ldc);

/// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` in wrapping Int32 for `m`
/// activation rows against `n` weight rows in 16-row panels of depth pairs
/// (`panels[(j / 16) * pairs * 32 + t * 32 + (j % 16) * 2 + e]` = `b_j[2t + e]`,
/// `pairs = (depth + 1) / 2`, an even number of panels, zero past `n` and past
/// `depth`).
///
/// Four activation rows meet 32 weight rows per step: one VPDPWSSD per row and
/// panel adds two exact int16 × int16 products into each Int32 lane (wrapping,
/// never saturating).
void finch_avx512_integer_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, const int16_t *panels, ptrdiff_t n, ptrdiff_t depth, int32_t *c,
  ptrdiff_t ldc);

/// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` for activations that are
/// 8-bit values held in Int16 (`a + offset` in 0...255) and signed 8-bit
/// weights in 16-row panels of depth quads (`panels[(j / 16) * quads * 64 +
/// q * 64 + (j % 16) * 4 + e]` = `b_j[4q + e]`, `quads = (depth + 3) / 4`, an
/// even number of panels, zero past `n` and past `depth`), with
/// `column_sums[j] = offset · Σ_p b_j[p]`.
///
/// Each block of four rows is first narrowed to unsigned bytes (`a + offset`)
/// in `scratch` (`4 · quads · 4` bytes); then one VPDPBUSD per row and panel
/// adds four exact u8 × s8 products into each Int32 lane (wrapping, never
/// saturating), and the offset's share, `column_sums`, is taken off at the end.
void finch_avx512_byte_multiply(
  const int16_t *a, ptrdiff_t m, ptrdiff_t lda, int16_t offset, const int8_t *panels, ptrdiff_t n, ptrdiff_t depth,
  const int32_t *column_sums, uint8_t *scratch, int32_t *c, ptrdiff_t ldc);

/// Packs `rows` rows of `columns` 16-bit values (`stride` apart) into bits,
/// bit set where the value is > 0, `words` words a row (padding bits zero):
/// 32 values at a time, `v > 0` read off the sign of the saturating `v - 1`.
void finch_avx512_pack_signs(
  const int16_t *source, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t stride, uint64_t *destination, ptrdiff_t words);

/// `out[r · count + c] = acc[r · count + c] >= t[c] ? high : low` for `rows`
/// rows of `count` channels, sixteen at a time, with accumulators within
/// ±2^30 and thresholds within ±(2^30 + 1), so `acc - t` cannot overflow and
/// its sign decides.
void finch_avx512_select_at_least(
  const int32_t *acc, ptrdiff_t rows, const int32_t *t, ptrdiff_t count, int16_t low, int16_t high, int16_t *out);

/// `out[i] = table[values[i] - offset]` for a 256-entry table and indices in
/// 0...255: the table sits in eight registers; four two-register word permutes
/// (VPERMT2W) pick by the low six index bits, and two blends by bits 6 and 7.
void finch_avx512_lookup256(
  const int16_t *table, const int16_t *values, ptrdiff_t count, int16_t offset, int16_t *out);

#endif
#endif
