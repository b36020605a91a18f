import FinchIR
import XCTest

/// The verifier refuses graphs that later stages cannot take on trust.
final class VerifierTests: XCTestCase {
  /// `x: UINT8[1,4] -> Relu -> y`.
  private func relu(outputs: [String] = ["y"], inputs: [String] = ["x"]) -> Graph {
    var g = Graph(
      name: "t", inputs: inputs, outputs: outputs, nodes: [Node(name: "relu", op: .unary(.relu), inputs: ["x"], outputs: ["y"])],
      initializers: [:], types: ["x": ValueType(shape: [1, 4], dataType: .uint(8))])
    try? g.inferTypes()
    return g
  }

  func testGraphOutputsAndInputsListedTwiceAreRefused() {
    XCTAssertNoThrow(try relu().verify())
    XCTAssertThrowsError(try relu(outputs: ["y", "y"]).verify()) { error in
      XCTAssertEqual("\(error)", "graph output 'y' is listed more than once")
    }
    XCTAssertThrowsError(try relu(inputs: ["x", "x"]).verify()) { error in
      XCTAssertEqual("\(error)", "graph input 'x' is listed more than once")
    }
    // The summary of such a graph (never verified) lists the name once instead of trapping.
    XCTAssertEqual(relu(outputs: ["y", "y"]).summary.outputs, ["y": "UINT8[1,4]"])
  }

  func testFedValuesAreCheckedAgainstTheInputDatatype() {
    let type = ValueType(shape: [1, 4], dataType: .uint(8))
    XCTAssertNoThrow(try type.checkValues(of: Tensor(shape: [1, 4], floats: [0, 1, 255, 7]), input: "x"))
    for bad: Float in [.nan, .infinity, -.infinity, 256, -1, 0.5] {
      XCTAssertThrowsError(try type.checkValues(of: Tensor(shape: [1, 4], floats: [0, 1, bad, 7]), input: "x")) { error in
        XCTAssertEqual("\(error)", "input value \(Double(bad)) at flat index 2 is not a UINT8 value, as the model's input x requires")
      }
    }
    XCTAssertThrowsError(try type.checkValues(of: Tensor(shape: [1, 4], int64s: [0, 300, 1, 1]), input: "x"))
    // Float inputs take any number but NaN.
    let float = ValueType(shape: [2])
    XCTAssertNoThrow(try float.checkValues(of: Tensor(shape: [2], floats: [.infinity, -1e38]), input: "x"))
    XCTAssertThrowsError(try float.checkValues(of: Tensor(shape: [2], floats: [0, .nan]), input: "x"))
    // A range checks only those indices and counts them from the start.
    let values = Tensor(shape: [2, 4], floats: [0, 0, 0, 0, 0, 0, 300, 0])
    XCTAssertNoThrow(try type.checkValues(of: values, input: "x", in: 0..<4))
    XCTAssertThrowsError(try type.checkValues(of: values, input: "x", in: 4..<8)) { error in
      XCTAssertTrue("\(error)".contains("at flat index 6"), "\(error)")
    }
  }
}
