import FinchIR
import XCTest

/// Fails unless `actual` and `expected` have the same shape and bit-identical values.
public func assertBitExact(
  _ actual: Tensor, _ expected: Tensor, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.shape == expected.shape else {
    XCTFail("shape \(actual.shape) != \(expected.shape) \(message())", file: file, line: line)
    return
  }
  switch (actual.storage, expected.storage) {
  case (.int64(let a), .int64(let b)):
    if let i = a.indices.first(where: { a[$0] != b[$0] }) {
      XCTFail("element \(i): \(a[i]) != \(b[i]) \(message())", file: file, line: line)
    }
  default:
    let a = actual.floats, b = expected.floats
    if let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) {
      XCTFail("element \(i): \(a[i]) != \(b[i]) \(message())", file: file, line: line)
    }
  }
}

/// The largest relative difference between two float tensors of equal shape.
public func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
  zip(a.floats, b.floats).map { abs($0 - $1) / max(abs($1), 1e-6) }.max() ?? 0
}
