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

/// Checks float logits `[samples, classes]` against a reference computed in a
/// different float order: each sample's largest difference at most
/// `tolerance` times its largest reference logit, and the same argmax.
public func assertLogitsClose(
  _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.shape == expected.shape, actual.shape.rank == 2 else {
    XCTFail("shape \(actual.shape) != \(expected.shape) (want [samples, classes]) \(message())", file: file, line: line)
    return
  }
  let classes = actual.shape[1], (a, b) = (actual.floats, expected.floats)
  for i in 0..<actual.shape[0] {
    let row = a[(i * classes)..<((i + 1) * classes)], reference = b[(i * classes)..<((i + 1) * classes)]
    let error = zip(row, reference).map { abs($0 - $1) }.max() ?? 0, scale = reference.map(abs).max() ?? 0
    XCTAssertLessThanOrEqual(error, tolerance * scale, "sample \(i) \(message())", file: file, line: line)
    XCTAssertEqual(row.firstIndex(of: row.max()!), reference.firstIndex(of: reference.max()!), "sample \(i)'s label \(message())", file: file, line: line)
  }
}
