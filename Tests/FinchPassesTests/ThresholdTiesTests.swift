import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// Quantizers rounding half to even (QONNX `ROUND`) compile to thresholds that
/// reproduce every rounding tie exactly, where FINN's half-up conversion
/// (threshold `k + 0.5` compared with `>=`) is wrong for every tie `k + 0.5`
/// with `k` even.
///
/// Each graph puts the quantizer's input exactly on `k + 0.5` (in units of its
/// scale) for every `k` in its range, runs every possible input, and compares
/// the compiled graph with the original bit for bit.
final class ThresholdTiesTests: XCTestCase {
  /// One quantizer configuration: 2 to 4 bits, signed or not, narrow or not.
  struct Config: CustomStringConvertible {
    var bits: Int
    var signed: Bool
    var narrow: Bool
    var quant: Quant { Quant(signed: signed, narrow: narrow, rounding: .round) }
    var range: (lo: Int, hi: Int) {
      let (lo, hi) = Quant.integerRange(bits: bits, signed: signed, narrow: narrow)
      return (Int(lo), Int(hi))
    }
    var description: String { "\(bits)-bit \(signed ? "signed" : "unsigned")\(narrow ? " narrow" : "")" }

    static let all: [Config] = [2, 3, 4].flatMap { bits in
      [false, true].flatMap { signed in [false, true].map { Config(bits: bits, signed: signed, narrow: $0) } }
    }
  }

  /// (a) Input quantizer on UINT8 pixels: `x · m - b`, then `Quant` with scale `s`,
  /// where `m / s` is 1/2 or 1/4 so that pixels land on every tie; all 256 pixels run.
  func testInputQuantizerTiesRoundHalfToEven() throws {
    // (pixel multiplier, quantizer scale): quantizer input x · m / s is x/2 or x/4.
    let scalings: [(m: Float, s: Float)] = [(0.5, 1), (0.25, 0.5), (0.25, 1), (0.125, 0.25)]
    for config in Config.all {
      for (m, s) in scalings {
        for shift in [Float(0), 16] where config.signed ? shift > 0 : true {
          // Quantizer input in units of s: x · m / s - shift, covering [-shift, 255 · m / s - shift].
          var nodes = [Node(name: "Mul_0", op: .binary(.mul), inputs: ["x", "m"], outputs: ["scaled"])]
          var initializers: [String: Tensor] = [
            "m": Tensor(scalar: m), "s": Tensor(scalar: s), "zp": Tensor(scalar: 0), "bits": Tensor(scalar: Float(config.bits)),
          ]
          var quantInput = "scaled"
          if shift > 0 {
            initializers["b"] = Tensor(scalar: shift * s)
            nodes.append(Node(name: "Sub_0", op: .binary(.sub), inputs: ["scaled", "b"], outputs: ["centred"]))
            quantInput = "centred"
          }
          nodes.append(Node(name: "Quant_0", op: .quant(config.quant), inputs: [quantInput, "s", "zp", "bits"], outputs: ["y"]))
          var graph = Graph(
            name: "input_ties", inputs: ["x"], outputs: ["y"], nodes: nodes, initializers: initializers,
            types: ["x": ValueType(shape: [1, 256], dataType: .uint(8))])
          try graph.inferTypes()
          try graph.verify()
          let pixels = Tensor(shape: [1, 256], floats: (0..<256).map(Float.init))
          try checkTies(
            graph, quantizer: "Quant_0", scale: s, config: config, inputs: pixels,
            "\(config), pixel x \(m), shift \(shift), scale \(s)")
        }
      }
    }
  }

  /// (b) After an integer MatMul: INT4 activations times small integer weights,
  /// then `Mul` by ±1/2 (or ±1/4 with quantizer scale 1/2), then `Quant`; all
  /// 256 input vectors run. The negative multiplier makes the chain decreasing,
  /// so the compiler also negates the weights.
  func testMatMulQuantizerTiesRoundHalfToEven() throws {
    // Columns give accumulators x0 + x1, 2x0 - x1, 3x0 + x1 and -x0 + 3x1, odd and even.
    let weights = Tensor(shape: [2, 4], floats: [1, 2, 3, -1, 1, -1, 1, 3])
    let scalings: [(m: Float, s: Float)] = [(0.5, 1), (0.25, 0.5), (-0.5, 1), (-0.25, 0.5)]
    var vectors: [Float] = []
    for a in -8...7 { for b in -8...7 { vectors += [Float(a), Float(b)] } }
    let batch = Tensor(shape: [256, 2], floats: vectors)
    for config in Config.all {
      for (m, s) in scalings {
        var graph = Graph(
          name: "matmul_ties", inputs: ["x"], outputs: ["y"],
          nodes: [
            Node(name: "Quant_w", op: .quant(Quant(signed: true, narrow: false, rounding: .round)), inputs: ["w_float", "one", "zp", "four"], outputs: ["w"]),
            Node(name: "MatMul_0", op: .matMul, inputs: ["x", "w"], outputs: ["acc"]),
            Node(name: "Mul_0", op: .binary(.mul), inputs: ["acc", "m"], outputs: ["half"]),
            Node(name: "Quant_0", op: .quant(config.quant), inputs: ["half", "s", "zp", "bits"], outputs: ["y"]),
          ],
          initializers: [
            "w_float": weights, "one": Tensor(scalar: 1), "four": Tensor(scalar: 4), "m": Tensor(scalar: m), "s": Tensor(scalar: s),
            "zp": Tensor(scalar: 0), "bits": Tensor(scalar: Float(config.bits)),
          ],
          types: ["x": ValueType(shape: [1, 2], dataType: .int(4))])
        try graph.inferTypes()
        try graph.verify()
        try checkTies(graph, quantizer: "Quant_0", scale: s, config: config, inputs: batch, "\(config), accumulator x \(m), scale \(s)")
      }
    }
  }

  /// Compiles `graph`, checks that thresholds replaced the quantizer, that every
  /// output over `inputs` is bit-identical to the original, that the quantizer's
  /// input hit every tie `k + 0.5` of its range, and that rounding those ties half
  /// up (FINN's threshold conversion) would have been wrong exactly for even `k`.
  private func checkTies(
    _ graph: Graph, quantizer: String, scale: Float, config: Config, inputs: Tensor, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let node = try XCTUnwrap(graph.nodes.first { $0.name == quantizer })
    var probe = graph
    probe.outputs = [node.inputs[0], node.outputs[0]]
    let run = try Interpreter(graph: probe).runBatch(inputs)
    let quantIn = try XCTUnwrap(run[node.inputs[0]]).floats, reference = try XCTUnwrap(run[node.outputs[0]])

    var compiled = graph
    try Pipeline.compile.run(on: &compiled)
    XCTAssertFalse(compiled.nodes.contains { if case .quant = $0.op { true } else { false } }, "\(what): a Quant is left", file: file, line: line)
    XCTAssertTrue(
      compiled.nodes.contains {
        switch $0.op {
        case .multiThreshold, .thresholding: true
        case .mvau: $0.inputs.count == 3
        default: false
        }
      }, "\(what): no thresholds in\n\(compiled.text)", file: file, line: line)
    let y = try XCTUnwrap(try Interpreter(graph: compiled).runBatch(inputs)[compiled.outputs[0]])
    // The one difference allowed is the sign of zero: the float quantizer turns
    // inputs in (-0.5, 0) into -0.0 (NumPy and QONNX do too), while a threshold
    // count of zero levels is +0.0. The two are equal and no later layer can tell them apart.
    assertBitExact(Self.canonicalZeros(y), Self.canonicalZeros(reference), "\(what)\n\(compiled.text)", file: file, line: line)

    // The ties the quantizer saw, and what half-up rounding would have made of them.
    let (lo, hi) = config.range
    var tiesSeen = Set<Int>()
    var halfUpWrong = Set<Int>()
    for (i, x) in quantIn.enumerated() {
      let v = x / scale
      guard v - v.rounded(.down) == 0.5, v > Float(lo), v < Float(hi) else { continue }
      let k = Int(v.rounded(.down))
      tiesSeen.insert(k)
      let level = reference.floats[i] / scale
      XCTAssertEqual(level, v.rounded(.toNearestOrEven), "\(what): reference at tie \(v)", file: file, line: line)
      let halfUp = v.rounded(.down) + 1
      if halfUp != level { halfUpWrong.insert(k) }
    }
    XCTAssertEqual(tiesSeen, Set(lo..<hi), "\(what): not every tie k + 0.5 in [\(lo), \(hi)] occurred", file: file, line: line)
    XCTAssertFalse(halfUpWrong.isEmpty, "\(what): half-up rounding would not have been caught", file: file, line: line)
    XCTAssertEqual(halfUpWrong, tiesSeen.filter { $0 % 2 == 0 }, "\(what): half-up differs exactly at even k", file: file, line: line)
  }

  /// `t` with -0.0 replaced by +0.0.
  static func canonicalZeros(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, floats: t.floats.map { $0 == 0 ? 0 : $0 }) }
}
