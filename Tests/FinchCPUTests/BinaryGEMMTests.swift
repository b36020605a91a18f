import FinchCPU
import FinchTestSupport
import XCTest

final class BinaryGEMMTests: XCTestCase {
  /// Packed XNOR-popcount products equal the naive ±1 dot products, including
  /// widths at and around the 64-bit word edges.
  func testMatchesNaiveProductsAtWordEdges() {
    var rng = SplitMix64(seed: 6)
    for k in [1, 2, 63, 64, 65, 127, 128, 129, 200] {
      for (m, n) in [(1, 1), (3, 5), (7, 2)] {
        let a = (0..<(m * k)).map { _ in rng.next() % 2 == 0 ? Float(-1) : 1 }
        let b = (0..<(n * k)).map { _ in rng.next() % 2 == 0 ? Float(-1) : 1 }
        let got = BinaryGEMM.multiply(BitMatrix(rows: m, columns: k, values: a), bTransposed: BitMatrix(rows: n, columns: k, values: b))
        for i in 0..<m {
          for j in 0..<n {
            let naive = (0..<k).reduce(Float(0)) { $0 + a[i * k + $1] * b[j * k + $1] }
            XCTAssertEqual(got[i * n + j], Int32(naive), "k=\(k) m=\(m) n=\(n) (\(i),\(j))")
          }
        }
      }
    }
  }
}
