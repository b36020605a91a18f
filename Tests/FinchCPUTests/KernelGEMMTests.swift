@testable import FinchCPU
import FinchIR
import FinchTestSupport
import XCTest

/// Every kernel ISA this CPU runs, against naive references, over shapes that
/// are not vector multiples, strided operands and full value ranges.
final class KernelGEMMTests: XCTestCase {
  let isas = KernelISA.allCases.filter(CPUFeatures.host.supports)
  let sizes = [1, 2, 3, 5, 17]
  let depths = [1, 7, 63, 64, 65, 100, 511, 513, 1000]
  /// Marks the entries of `c` past `n` in each row, which no kernel may write.
  let untouched: Int32 = 0x5A5A_5A5A

  func testBinaryMatchesEqualNaiveCountsOnEveryISA() {
    var rng = SplitMix64(seed: 11)
    for bits in depths {
      for m in sizes {
        for n in sizes {
          // Int16 sources with a stride past `bits`; any value > 0 is a 1 bit.
          let stride = bits + 3
          let a = (0..<(m * stride)).map { _ in Int16(truncatingIfNeeded: rng.next()) }
          let b = (0..<(n * stride)).map { _ in Int16(truncatingIfNeeded: rng.next()) }
          let words = BinaryGEMM.wordsPerRow(bits: bits)
          var pa = [UInt64](repeating: .max, count: m * words), pb = [UInt64](repeating: .max, count: n * words)
          BinaryGEMM.pack(a, rows: m, columns: bits, sourceStride: stride, into: &pa)
          BinaryGEMM.pack(b, rows: n, columns: bits, sourceStride: stride, into: &pb)
          let expected = (0..<m).flatMap { i in
            (0..<n).map { j in
              Int32((0..<bits).count { (a[i * stride + $0] > 0) == (b[j * stride + $0] > 0) })
            }
          }
          let ldc = n + 2
          for isa in isas {
            var c = [Int32](repeating: untouched, count: m * ldc)
            BinaryGEMM.matches(a: pa, rows: m, b: pb, rows: n, bits: bits, c: &c, ldc: ldc, isa: isa)
            assertMatrix(c, ldc: ldc, equals: expected, rows: m, columns: n, "\(isa) binary bits=\(bits) m=\(m) n=\(n)")
          }
        }
      }
    }
  }

  /// Packing sets exactly the bits of values > 0 (0, negatives and the Int16
  /// extremes included), zeroes the padding, and reads rows `stride` apart.
  func testPackSetsTheBitsOfPositiveValuesOnEveryISA() {
    var rng = SplitMix64(seed: 17)
    for columns in [1, 7, 16, 31, 32, 33, 63, 64, 65, 100, 144, 513] {
      let rows = 3, stride = columns + 5, words = BinaryGEMM.wordsPerRow(bits: columns)
      let source: [Int16] = (0..<(rows * stride)).map { _ in rng.pick([-32768, -2, -1, 0, 1, 2, 32767, Int16(truncatingIfNeeded: rng.next())]) }
      var expected = [UInt64](repeating: 0, count: rows * words)
      for r in 0..<rows {
        for c in 0..<columns where source[r * stride + c] > 0 { expected[r * words + c / 64] |= 1 << UInt64(c % 64) }
      }
      for isa in isas {
        var got = [UInt64](repeating: .max, count: rows * words)
        source.withUnsafeBufferPointer { src in
          got.withUnsafeMutableBufferPointer { dst in
            BinaryGEMM.pack(src.baseAddress!, rows: rows, columns: columns, sourceStride: stride, into: dst.baseAddress!, isa: isa)
          }
        }
        XCTAssertEqual(got, expected, "\(isa), \(columns) columns")
      }
    }
  }

  /// The VNNI byte kernel equals the naive sums for signed (offset 128) and
  /// unsigned (offset 0) 8-bit activations, odd depths and ragged edges.
  func testByteMultiplyEqualsNaiveSums() throws {
    guard isas.contains(.avx512) else { throw XCTSkip("no AVX-512 VNNI on this CPU") }
    var rng = SplitMix64(seed: 23)
    for (m, n, depth) in [(1, 1, 1), (5, 17, 7), (3, 33, 64), (9, 64, 100), (4, 10, 784), (2, 3, 513)] {
      for offset: Int16 in [128, 0] {
        let lda = depth + 3
        let a: [Int16] = (0..<(m * lda)).map { _ in Int16(rng.int(Int(-offset)...Int(255 - offset))) }
        let b: [Int16] = (0..<(n * depth)).map { _ in Int16(rng.int(-128...127)) }
        let weights = try XCTUnwrap(
          b.withUnsafeBufferPointer { ByteWeightPanels($0.baseAddress!, rows: n, ldb: depth, depth: depth, activationOffset: offset, isa: .avx512) })
        var c = [Int32](repeating: 0, count: m * n)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: weights.scratchBytes, alignment: 64)
        defer { scratch.deallocate() }
        a.withUnsafeBufferPointer { a in
          c.withUnsafeMutableBufferPointer { c in
            weights.multiply(a: a.baseAddress!, rows: m, lda: lda, scratch: scratch, c: c.baseAddress!, ldc: n)
          }
        }
        for i in 0..<m {
          for j in 0..<n {
            let naive = (0..<depth).reduce(Int32(0)) { $0 + Int32(a[i * lda + $1]) * Int32(b[j * depth + $1]) }
            XCTAssertEqual(c[i * n + j], naive, "m \(m) n \(n) depth \(depth) offset \(offset) (\(i), \(j))")
          }
        }
      }
    }
  }

  /// Table look-up equals indexing, for every ISA, offset and ragged length.
  func testTableLookupEqualsIndexingOnEveryISA() {
    var rng = SplitMix64(seed: 41)
    let table: [Int16] = (0..<256).map { _ in Int16(truncatingIfNeeded: rng.next()) }
    for offset: Int16 in [-128, 0, 5] {
      for count in [1, 31, 32, 33, 100] {
        let values: [Int16] = (0..<count).map { _ in Int16(rng.int(0...255)) + offset }
        for isa in isas {
          var out = [Int16](repeating: 0, count: count)
          table.withUnsafeBufferPointer { t in
            values.withUnsafeBufferPointer { v in
              out.withUnsafeMutableBufferPointer { TableLookup.lookup(t, v.baseAddress!, count: count, offset: offset, into: $0.baseAddress!, isa: isa) }
            }
          }
          XCTAssertEqual(out, values.map { table[Int($0 - offset)] }, "\(isa), offset \(offset), \(count) values")
        }
      }
    }
  }

  func testIntegerMultiplyEqualsNaiveSumsOnEveryISA() {
    var rng = SplitMix64(seed: 12)
    for depth in depths {
      for m in sizes {
        for n in sizes {
          let values = { (_: Int) -> Int16 in Int16(Int(rng.next() % 511) - 255) }
          checkInteger(m: m, n: n, depth: depth, value: values, "-255...255")
        }
      }
    }
  }

  /// Products of ±32767 and -32768 wrap in Int32 exactly as the reference
  /// does: no kernel saturates (VPMADDWD's -32768 · -32768 · 2 included).
  func testIntegerMultiplyAtInt16ExtremesNeverSaturates() {
    var rng = SplitMix64(seed: 13)
    let extremes: [Int16] = [-32768, -32767, 32767, 1, -1, 0]
    for depth in [1, 2, 3, 7, 33] {
      for (m, n) in [(1, 1), (3, 5), (5, 17)] {
        checkInteger(m: m, n: n, depth: depth, value: { _ in extremes[Int(rng.next() % 6)] }, "extremes")
      }
    }
    // -32768 everywhere: each pair is 2^31, which VPMADDWD wraps to -2^31.
    checkInteger(m: 2, n: 3, depth: 4, value: { _ in -32768 }, "all -32768")
  }

  func testEmptyOperandsWriteNothingAndZeroDepthWritesZeros() {
    for isa in isas {
      var c = [Int32](repeating: untouched, count: 6)
      let a: [Int16] = [1, 2], b: [Int16] = [3, 4]
      IntegerGEMM.multiply(a: a, rows: 0, lda: 2, b: b, rows: 1, ldb: 2, depth: 2, c: &c, ldc: 3, isa: isa)
      XCTAssertEqual(c, [Int32](repeating: untouched, count: 6))
      IntegerGEMM.multiply(a: a, rows: 2, lda: 1, b: b, rows: 2, ldb: 1, depth: 0, c: &c, ldc: 3, isa: isa)
      XCTAssertEqual(c, [0, 0, untouched, 0, 0, untouched], "\(isa)")
      let words: [UInt64] = [0, 0]
      BinaryGEMM.matches(a: words, rows: 2, b: words, rows: 2, bits: 0, c: &c, ldc: 3, isa: isa)
      XCTAssertEqual(c, [0, 0, untouched, 0, 0, untouched], "\(isa)")
    }
  }

  func testFINCH_CPU_ISAPicksASupportedISAOrWarns() {
    var avx2Only = CPUFeatures()
    avx2Only.avx2 = true
    avx2Only.popcnt = true
    XCTAssertEqual(avx2Only.best, .avx2)
    XCTAssertEqual(CPUFeatures().best, .portable)
    XCTAssertTrue(CPUFeatures.host.supports(KernelISA.active))

    XCTAssertEqual(KernelISA.select(override: nil, features: avx2Only).0, .avx2)
    let picked = KernelISA.select(override: "Portable", features: avx2Only)
    XCTAssertEqual(picked.0, .portable)
    XCTAssertNil(picked.warning)
    let lacking = KernelISA.select(override: "avx512", features: avx2Only)
    XCTAssertEqual(lacking.0, .avx2)
    XCTAssertEqual(lacking.warning, "FINCH_CPU_ISA=avx512 but this CPU lacks avx512; using avx2")
    let unknown = KernelISA.select(override: "sse", features: avx2Only)
    XCTAssertEqual(unknown.0, .avx2)
    XCTAssertEqual(unknown.warning, "FINCH_CPU_ISA=sse is not one of portable, avx2, avx512; using avx2")
  }

  /// Runs `IntegerGEMM.multiply` on every ISA with strided operands filled by
  /// `value` and compares with the wrapping Int32 reference.
  private func checkInteger(m: Int, n: Int, depth: Int, value: (Int) -> Int16, _ label: String) {
    let lda = depth + 3, ldb = depth + 1, ldc = n + 2
    let a = (0..<(m * lda)).map(value), b = (0..<(n * ldb)).map(value)
    let expected = (0..<m).flatMap { i in
      (0..<n).map { j in
        (0..<depth).reduce(Int32(0)) { $0 &+ Int32(a[i * lda + $1]) &* Int32(b[j * ldb + $1]) }
      }
    }
    for isa in isas {
      var c = [Int32](repeating: untouched, count: m * ldc)
      IntegerGEMM.multiply(a: a, rows: m, lda: lda, b: b, rows: n, ldb: ldb, depth: depth, c: &c, ldc: ldc, isa: isa)
      assertMatrix(c, ldc: ldc, equals: expected, rows: m, columns: n, "\(isa) integer \(label) depth=\(depth) m=\(m) n=\(n)")
    }
  }

  /// `c` (rows `ldc` apart) holds `expected` (rows `columns` apart) and is untouched past `columns`.
  private func assertMatrix(
    _ c: [Int32], ldc: Int, equals expected: [Int32], rows: Int, columns: Int, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    for i in 0..<rows {
      let row = Array(c[(i * ldc)..<(i * ldc + columns)]), padding = c[(i * ldc + columns)..<((i + 1) * ldc)]
      XCTAssertEqual(row, Array(expected[(i * columns)..<((i + 1) * columns)]), "\(label) row \(i)", file: file, line: line)
      XCTAssertTrue(padding.allSatisfy { $0 == untouched }, "\(label) row \(i) wrote past n", file: file, line: line)
    }
  }
}
