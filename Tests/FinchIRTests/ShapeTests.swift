import FinchIR
import XCTest

final class ShapeTests: XCTestCase {
  func testValidatedRefusesNegativeAndAbsurdShapes() {
    XCTAssertThrowsError(try Shape.validated([2, -1]))
    XCTAssertThrowsError(try Shape.validated([1 << 40]))
    XCTAssertThrowsError(try Shape.validated([1 << 32, 1 << 32]))
    XCTAssertThrowsError(try Shape.validated([Int.max, 2]))
    // An empty shape may not hide absurd dimensions: products of its other dimensions would overflow.
    XCTAssertThrowsError(try Shape.validated([0, 1 << 40]))
    XCTAssertThrowsError(try Shape.validated([0, 1 << 31, 1 << 31, 1 << 31]))
    XCTAssertEqual(try Shape.validated([0, 1 << 20]).elementCount, 0)
    XCTAssertEqual(try Shape.validated([1, 1, 28, 28]).elementCount, 784)
  }

  func testBroadcastFollowsNumPy() {
    XCTAssertEqual(Shape.broadcast([1, 64], [64]), [1, 64])
    XCTAssertEqual(Shape.broadcast([2, 1, 3], [4, 1]), [2, 4, 3])
    XCTAssertEqual(Shape.broadcast([], [3]), [3])
    XCTAssertNil(Shape.broadcast([2, 3], [4]))
  }
}
