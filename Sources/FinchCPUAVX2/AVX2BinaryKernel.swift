#if arch(x86_64)
  import _Builtin_intrinsics.intel

  /// Kernels for AVX2 + POPCNT. This module is compiled with those target
  /// features, so call into it only where the CPU has them.
  public enum AVX2Kernels {}

  extension AVX2Kernels {
    /// `c[i * ldc + j] = bits - popcount(a_i XOR b_j)` for `m` activation rows
    /// of `words` words each (`words` apart) against `n` weight rows in
    /// 8-row panels (`panels[(j / 8) * words * 8 + w * 8 + j % 8]`, rows past
    /// `n` zero).
    ///
    /// Two activation rows meet one panel (two vectors of four rows) per step.
    /// AVX2 has no vector popcount: each byte's count comes from two nibble
    /// look-ups (VPSHUFB), byte counts add up for 31 words (31 · 8 < 256), then
    /// VPSADBW sums them into the 64-bit lanes.
    @inline(never)
    public static func binaryMatches(
      a: UnsafePointer<UInt64>, rows m: Int, words: Int, panels: UnsafePointer<UInt64>, columns n: Int, bits: Int,
      c: UnsafeMutablePointer<Int32>, ldc: Int
    ) {
      let panelStride = words * 8
      for i in stride(from: 0, to: m, by: 2) {
        // A row past m repeats the last row; its results are never stored.
        let a0 = a + i * words, a1 = a + min(i + 1, m - 1) * words
        for j in stride(from: 0, to: n, by: 8) {
          let panel = panels + (j / 8) * panelStride
          var block = BinaryBlock()
          var w = 0
          while w < words {
            let end = min(w + 31, words)
            var bytes = BinaryBlock()
            while w < end {
              bytes.accumulate(
                a0[w], a1[w], _mm256_loadu_si256(UnsafePointer(OpaquePointer(panel + 8 * w))),
                _mm256_loadu_si256(UnsafePointer(OpaquePointer(panel + 8 * w + 4))))
              w += 1
            }
            block.add(bytesOf: bytes)
          }
          block.store(rows: m - i, columns: n - j, bits: Int32(bits), c: c + i * ldc + j, ldc: ldc)
        }
      }
    }
  }

  /// Counts of 2 activation rows × 8 weight rows: per byte while accumulating
  /// a chunk, per 64-bit lane once summed.
  private struct BinaryBlock {
    var c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256()
    var c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256()

    /// Adds the byte popcounts of `a XOR b` for each row pair.
    @inline(__always)
    mutating func accumulate(_ a0: UInt64, _ a1: UInt64, _ b0: __m256i, _ b1: __m256i) {
      let x0 = _mm256_set1_epi64x(Int64(bitPattern: a0)), x1 = _mm256_set1_epi64x(Int64(bitPattern: a1))
      c00 = _mm256_add_epi8(c00, bytePopcount(_mm256_xor_si256(x0, b0)))
      c01 = _mm256_add_epi8(c01, bytePopcount(_mm256_xor_si256(x0, b1)))
      c10 = _mm256_add_epi8(c10, bytePopcount(_mm256_xor_si256(x1, b0)))
      c11 = _mm256_add_epi8(c11, bytePopcount(_mm256_xor_si256(x1, b1)))
    }

    /// Adds the byte counts of `bytes`, summed into 64-bit lanes.
    @inline(__always)
    mutating func add(bytesOf bytes: BinaryBlock) {
      let zero = _mm256_setzero_si256()
      c00 = _mm256_add_epi64(c00, _mm256_sad_epu8(bytes.c00, zero))
      c01 = _mm256_add_epi64(c01, _mm256_sad_epu8(bytes.c01, zero))
      c10 = _mm256_add_epi64(c10, _mm256_sad_epu8(bytes.c10, zero))
      c11 = _mm256_add_epi64(c11, _mm256_sad_epu8(bytes.c11, zero))
    }

    /// Writes `bits - count` for the first `rows` rows and `columns` columns.
    @inline(__always)
    func store(rows: Int, columns: Int, bits: Int32, c: UnsafeMutablePointer<Int32>, ldc: Int) {
      storeRow(c00, c01, columns: columns, bits: bits, to: c)
      if rows > 1 { storeRow(c10, c11, columns: columns, bits: bits, to: c + ldc) }
    }

    @inline(__always)
    private func storeRow(_ low: __m256i, _ high: __m256i, columns: Int, bits: Int32, to c: UnsafeMutablePointer<Int32>) {
      let counts = SIMD8<Int64>(lowHalf: low, highHalf: high)
      for col in 0..<min(columns, 8) { c[col] = bits &- Int32(truncatingIfNeeded: counts[col]) }
    }
  }

  /// The popcount of every byte of `x`.
  @inline(__always)
  private func bytePopcount(_ x: __m256i) -> __m256i {
    // Popcounts of 0...15 in each 128-bit half (bytes 0...15, little-endian).
    let table = _mm256_set_epi64x(0x0403_0302_0302_0201, 0x0302_0201_0201_0100, 0x0403_0302_0302_0201, 0x0302_0201_0201_0100)
    let nibble = _mm256_set1_epi8(0x0F)
    let low = _mm256_and_si256(x, nibble)
    let high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)
    return _mm256_add_epi8(_mm256_shuffle_epi8(table, low), _mm256_shuffle_epi8(table, high))
  }
#endif
