import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// Small hand-built graphs through single passes, checked as text and by running them.
final class SpecializeLayersTests: XCTestCase {
  /// `x: INT4[1,8] -> MatMul(W: INT3[8,5]) -> tail`, typed and verified.
  private func graph(tail: Op, outputs: [String]) throws -> Graph {
    let w = Tensor(shape: [8, 5], floats: (0..<40).map { Float(($0 * 7) % 8 - 4) })
    var g = Graph(
      name: "t", inputs: ["x"], outputs: [outputs.last!],
      nodes: [
        Node(name: "mm", op: .matMul, inputs: ["x", "w"], outputs: ["acc"]),
        Node(name: "tail", op: tail, inputs: ["acc"], outputs: outputs),
      ],
      initializers: ["w": w], types: ["x": ValueType(shape: [1, 8], dataType: .int(4)), "w": ValueType(shape: [8, 5], dataType: .int(3))])
    try g.inferTypes()
    try g.verify()
    return g
  }

  private func allInputs() -> [Tensor] {
    (0..<64).map { s in Tensor(shape: [1, 8], floats: (0..<8).map { Float((s * 5 + $0 * 11) % 16 - 8) }) }
  }

  func testArgMaxAndTopKBecomeLabelSelect() throws {
    for (tail, outs, k) in [
      (Op.argMax(axis: -1, keepDims: true, selectLastIndex: false), ["idx"], 1),
      (Op.topK(TopK(k: 2)), ["vals", "idx"], 2),
    ] {
      let original = try graph(tail: tail, outputs: outs)
      var g = original
      try Pipeline.lower.run(on: &g)
      XCTAssertEqual(
        g.text,
        """
        graph t
          input x: INT4[1,8]
          const w: INT3[8,5]
          mm = MVAU{xnor=0}(x: INT4[1,8], w: INT3[8,5]) -> acc: INT8[1,5]
          tail = LabelSelect{k=\(k)}(acc: INT8[1,5]) -> idx: INT64[1,\(k)]
          output idx: INT64[1,\(k)]

        """)
      for x in allInputs() {
        XCTAssertEqual(try Interpreter(graph: g).run(["x": x])["idx"], try Interpreter(graph: original).run(["x": x])["idx"])
      }
    }
  }

  func testRemoveIdentitiesKeepsOutputNames() throws {
    var g = try graph(tail: .identity, outputs: ["y"])
    XCTAssertTrue(try RemoveIdentities().run(on: &g))
    XCTAssertEqual(g.nodes.map(\.name), ["mm"])
    XCTAssertEqual(g.outputs, ["y"])
    XCTAssertEqual(g.nodes[0].outputs, ["y"])
  }
}
