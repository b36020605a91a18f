import FinchCPU
import FinchIR
import FinchInterpreter
import FinchTestSupport
import XCTest

/// The CPU plan stacks outputs and refuses inputs exactly as the interpreter
/// does, for ordinary models whose outputs have no leading batch axis.
final class CPUPlanShapesTests: XCTestCase {
  /// `x: UINT8[1,4] -> tail -> y`, typed.
  private func graph(_ tail: Op, extra: [String] = []) throws -> Graph {
    var g = Graph(
      name: "t", inputs: ["x"], outputs: ["y"], nodes: [Node(name: "tail", op: tail, inputs: ["x"] + extra, outputs: ["y"])],
      initializers: [:], types: ["x": ValueType(shape: [1, 4], dataType: .uint(8))])
    try g.inferTypes()
    try g.verify()
    return g
  }

  func testOutputsWithoutABatchAxisMatchTheInterpreter() throws {
    let tails: [(Op, [String])] = [
      (.argMax(axis: 0, keepDims: false, selectLastIndex: false), []),
      (.argMax(axis: 1, keepDims: false, selectLastIndex: false), []),
      (.concat(axis: 0), ["x"]),
      (.squeeze(axes: [0]), []),
      (.identity, []),
    ]
    for (tail, extra) in tails {
      let g = try graph(tail, extra: extra)
      let plan = try CPUPlan(graph: g, maxBatch: 2, threads: 1)
      for samples in [Tensor(shape: [1, 4], floats: [3, 9, 9, 1]), Tensor(shape: [5, 4], floats: (0..<20).map { Float($0 * 7 % 11) })] {
        let expected = try XCTUnwrap(try Interpreter(graph: g).runBatch(samples)["y"])
        assertBitExact(try XCTUnwrap(try plan.run(samples)["y"]), expected, "\(tail) on \(samples.shape)")
      }
    }
  }

  func testBothBackendsRefuseTheSameInputsInTheSameWords() throws {
    let g = try graph(.identity)
    let plan = try CPUPlan(graph: g, maxBatch: 2, threads: 1)
    for bad: Float in [.nan, .infinity, -.infinity, 256, -1, 0.5] {
      let x = Tensor(shape: [3, 4], floats: [0, 1, 2, 3, 4, 5, bad, 7, 8, 9, 10, 11])
      var messages: [String] = []
      XCTAssertThrowsError(try plan.run(x)) { messages.append("\($0)") }
      XCTAssertThrowsError(try Interpreter(graph: g).runBatch(x)) { messages.append("\($0)") }
      XCTAssertEqual(messages.count, 2)
      XCTAssertEqual(messages.first, messages.last)
      XCTAssertEqual(messages.first, "input value \(Double(bad)) at flat index 6 is not a UINT8 value, as the model's input x requires")
    }
  }
}
