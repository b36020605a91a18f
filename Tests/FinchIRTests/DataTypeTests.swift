import FinchIR
import XCTest

final class DataTypeTests: XCTestCase {
  func testRangesOfEveryIntegerWidth() {
    for b in 1...64 {
      XCTAssertEqual(DataType.int(b).min, -pow(2, Double(b - 1)))
      XCTAssertEqual(DataType.int(b).max, pow(2, Double(b - 1)) - 1)
      if b > 1 { XCTAssertEqual(DataType.uint(b).max, pow(2, Double(b)) - 1) }
    }
    XCTAssertEqual(DataType.fixed(bits: 8, intBits: 1).min, -1)
    XCTAssertEqual(DataType.fixed(bits: 8, intBits: 1).max, 127.0 / 128)
  }

  func testAllowsExactlyTheTypesValues() {
    for v in stride(from: -300.0, through: 300, by: 0.5) {
      XCTAssertEqual(DataType.int(8).allows(v), v == v.rounded() && v >= -128 && v <= 127, "\(v)")
      XCTAssertEqual(DataType.uint(4).allows(v), v == v.rounded() && v >= 0 && v <= 15, "\(v)")
      XCTAssertEqual(DataType.bipolar.allows(v), v == 1 || v == -1, "\(v)")
      XCTAssertEqual(DataType.ternary.allows(v), [-1, 0, 1].contains(v), "\(v)")
      XCTAssertEqual(DataType.binary.allows(v), v == 0 || v == 1, "\(v)")
      XCTAssertEqual(DataType.fixed(bits: 4, intBits: 2).allows(v), v >= -2 && v <= 1.75 && (v * 4).rounded() == v * 4, "\(v)")
    }
  }

  func testSmallestIntegerPrefersUnsigned() {
    XCTAssertEqual(DataType.smallestInteger(min: 0, max: 1), .binary)
    XCTAssertEqual(DataType.smallestInteger(min: 0, max: 255), .uint(8))
    XCTAssertEqual(DataType.smallestInteger(min: 0, max: 256), .uint(9))
    XCTAssertEqual(DataType.smallestInteger(min: -1, max: 1), .int(2))
    XCTAssertEqual(DataType.smallestInteger(min: -128, max: 127), .int(8))
    XCTAssertEqual(DataType.smallestInteger(min: -129, max: 0), .int(9))
    XCTAssertEqual(DataType.smallestInteger(min: -7, max: 7), .int(4))
  }

  func testFinnNamesRoundTrip() {
    let types: [DataType] = [.int(1), .int(4), .int(64), .uint(2), .uint(8), .bipolar, .binary, .ternary, .fixed(bits: 8, intBits: 3), .float32]
    for t in types { XCTAssertEqual(DataType(finnName: t.finnName), t, t.finnName) }
    XCTAssertEqual(DataType(finnName: "UINT1"), .binary)
    for bad in ["INT0", "INT65", "UINT", "FIXED<8,9>", "FIXED<8>", "FLOAT64", ""] { XCTAssertNil(DataType(finnName: bad), bad) }
  }
}
