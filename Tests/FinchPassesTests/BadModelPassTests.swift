import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// Models with extreme but valid parameters compile, quickly, to graphs that
/// compute exactly what the imported model computes; what a pass cannot lower
/// stays as it was. Never a trap, a huge allocation or a search for minutes.
final class BadModelPassTests: XCTestCase {
  /// `x: INT8[1,16] -> MatMul(W: INT4[16,4]) -> acc -> tail nodes`, typed and verified.
  private func graph(tail: [Node], output: String, constants: [String: Tensor]) throws -> Graph {
    let w = Tensor(shape: [16, 4], floats: (0..<64).map { Float(($0 * 5) % 15 - 7) })
    var g = Graph(
      name: "t", inputs: ["x"], outputs: [output], nodes: [Node(name: "mm", op: .matMul, inputs: ["x", "w"], outputs: ["acc"])] + tail,
      initializers: constants.merging(["w": w]) { a, _ in a },
      types: ["x": ValueType(shape: [1, 16], dataType: .int(8)), "w": ValueType(shape: [16, 4], dataType: .int(4))])
    try g.inferTypes()
    try g.verify()
    return g
  }

  /// `acc -> Quant(scale, zero point, bits) -> y`.
  private func quantizer(bits: Int, scale: Float = 4, input: String = "acc") -> (Node, [String: Tensor]) {
    let node = Node(name: "q", op: .quant(Quant(signed: true, narrow: false, rounding: .round)), inputs: [input, "s", "z", "b"], outputs: ["y"])
    return (node, ["s": Tensor(scalar: scale), "z": Tensor(scalar: 0), "b": Tensor(scalar: Float(bits))])
  }

  /// Compiles `original` and demands the interpreter's outputs on every sample of a batch spanning the input range.
  ///
  /// Zeros are compared as numbers: a quantizer rounds small negative inputs to
  /// -0, which thresholds give as +0 (an existing difference, seen only where a
  /// quantizer's output is the graph's output; these graphs end in one).
  @discardableResult
  private func assertCompilesExactly(_ original: Graph, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws -> Graph {
    var compiled = original
    try Pipeline.compile.run(on: &compiled)
    let x = Tensor(shape: [64, 16], floats: (0..<1024).map { Float(($0 * 37) % 256 - 128) })
    let expected = try XCTUnwrap(try Interpreter(graph: original).runBatch(x)[original.outputs[0]])
    let got = try XCTUnwrap(try Interpreter(graph: compiled).runBatch(x)[compiled.outputs[0]])
    let unsigned = { (t: Tensor) in Tensor(shape: t.shape, floats: t.floats.map { $0 == 0 ? 0 : $0 }) }
    assertBitExact(unsigned(got), unsigned(expected), message, file: file, line: line)
    return compiled
  }

  /// Quantizers wider than the threshold limit stay quantizers (a 32-bit one
  /// used to need 2^32 thresholds per channel); narrower ones still become thresholds.
  func testWideQuantizersStayAsTheyAreAndCompileQuickly() throws {
    for bits in [4, 13, 24, 32] {
      let (q, constants) = quantizer(bits: bits)
      let start = Date()
      let compiled = try assertCompilesExactly(try graph(tail: [q], output: "y", constants: constants), "\(bits) bits")
      XCTAssertLessThan(Date().timeIntervalSince(start), 2, "\(bits) bits")
      let ops = compiled.nodes.map(\.op.typeName)
      XCTAssertEqual(ops.contains("Quant"), bits > 12, "\(bits) bits: \(ops)")
    }
  }

  /// Finite BatchNorm parameters at the edge of float range: the normalized
  /// value overflows to ±inf (which the quantizer clamps) or to NaN (zero times
  /// inf, inf minus inf), whose levels no threshold reproduces, so that chain
  /// stays. Either way the compiled graph computes the model's outputs.
  func testExtremeBatchNormParametersCompileExactly() throws {
    // Per case: scale, bias, mean, variance of the 4 channels.
    let cases: [[[Float]]] = [
      // Channel 0: scale / sqrt(var + eps) is inf and the mean 0, so the shift is NaN.
      [[1e38, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [1e-38, 1, 1, 1]],
      // Channel 0: shift -inf, and inputs above 0 add +inf to it.
      [[1e38, 1, 1, 1], [5, 0, 0, 0], [1e38, 0, 0, 0], [1, 1, 1, 1]],
      // Infinite but never NaN: every level clamps at one end.
      [[1, -1e38, 2, 1], [1e38, 1e38, -1e38, 0], [-1e38, 3, 1e38, 0], [1e-38, 1e38, 1, 1e38]],
    ]
    for (k, c) in cases.enumerated() {
      let constants = Dictionary(uniqueKeysWithValues: zip(["bs", "bb", "bm", "bv"], c.map { Tensor(shape: [4], floats: $0) }))
      let bn = Node(name: "bn", op: .batchNormalization(epsilon: 1e-5), inputs: ["acc", "bs", "bb", "bm", "bv"], outputs: ["n"])
      let (q, quantConstants) = quantizer(bits: 3, scale: 1, input: "n")
      let compiled = try assertCompilesExactly(
        try graph(tail: [bn, q], output: "y", constants: constants.merging(quantConstants) { a, _ in a }), "case \(k)")
      XCTAssertEqual(compiled.nodes.contains { $0.op.typeName == "Quant" }, k < 2, "case \(k): \(compiled.nodes.map(\.op.typeName))")
    }
  }

  /// Output scales and biases beyond 32 bits, and infinite thresholds, do not
  /// fit an MVAU's integer epilogue: MatMul and thresholds stay apart, exactly.
  func testThresholdsAnMVAUCannotHoldStayApart() throws {
    for (bias, threshold): (Float, Float) in [(1e30, 0), (-3e38, 0), (0, .infinity), (0, -.infinity), (0, 3)] {
      let mt = Node(
        name: "mt", op: .multiThreshold(MultiThreshold(outScale: 1, outBias: bias, outType: .uint(2))), inputs: ["acc", "t"], outputs: ["y"])
      let t = Tensor(shape: [1, 3], floats: [-20, threshold, 40])
      let compiled = try assertCompilesExactly(try graph(tail: [mt], output: "y", constants: ["t": t]), "bias \(bias), threshold \(threshold)")
      let fused = compiled.nodes.count == 1
      XCTAssertEqual(fused, bias == 0 && threshold.isFinite, "bias \(bias), threshold \(threshold): \(compiled.nodes.map(\.op.typeName))")
    }
  }
}
