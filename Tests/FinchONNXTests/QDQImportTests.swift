import FinchIR
import FinchInterpreter
import Foundation
import SwiftProtobuf
import XCTest

@testable import FinchONNX

/// Standard ONNX QDQ/QCDQ models (QuantizeLinear -> Clip -> DequantizeLinear) and
/// the FINN/QONNX dialect, built in Swift, imported and run against references
/// written here from the ONNX and FINN definitions.
final class QDQImportTests: XCTestCase {
  // MARK: References (ONNX semantics, written out by hand)

  /// Round half to even, without Swift's rounding rules: ties go to the even neighbour.
  private func roundHalfEven(_ v: Double) -> Double {
    let f = v.rounded(.down), d = v - f
    if d < 0.5 { return f }
    if d > 0.5 { return f + 1 }
    return f.truncatingRemainder(dividingBy: 2) == 0 ? f : f + 1
  }

  /// `saturate(round_half_even(x / scale) + zp)` into `lo...hi`.
  private func quantize(_ x: Float, scale: Float, zp: Int, lo: Int, hi: Int) -> Int {
    let q = roundHalfEven(Double(x / scale)) + Double(zp)
    return Int(min(max(q, Double(lo)), Double(hi)))
  }

  /// Quantize, clip, dequantize one activation; returns (q, clipped, dequantized).
  private func qcdq(_ x: Float, scale: Float, zp: Int, range: ClosedRange<Int>, clip: ClosedRange<Int>) -> (Int, Int, Float) {
    let q = quantize(x, scale: scale, zp: zp, lo: range.lowerBound, hi: range.upperBound)
    let c = min(max(q, clip.lowerBound), clip.upperBound)
    return (q, c, Float(c - zp) * scale)
  }

  /// `y = a · ((w - zw) · sw)` with per-column weight scales, accumulated in double.
  private func matMulReference(_ a: [Float], _ w: [Int], rows: Int, cols: Int, scales: [Float], zeroPoints: [Int]) -> [Float] {
    (0..<cols).map { j in
      var sum = 0.0
      for i in 0..<rows { sum += Double(a[i]) * Double(Float(w[i * cols + j] - zeroPoints[j]) * scales[j]) }
      return Float(sum)
    }
  }

  // MARK: Models

  private let inputScale: Float = 0.5
  private let weightScales: [Float] = [0.25, 0.125, 0.5]
  private let weights: [Int] = [3, -2, 7, -8, 1, 0, 5, -1, -7, 2, 6, 4]  // [4, 3] row-major

  /// Inputs chosen to hit exact ties (x / 0.5 = k + 0.5), saturation in both directions, and ordinary values.
  private let samples: [[Float]] = [
    [0.25, 0.75, -1.25, 1.25],  // 0.5, 1.5, -2.5, 2.5: half-to-even gives 0, 2, -2, 2
    [-0.25, -0.75, 3.25, -3.25],  // -0.5, -1.5, 6.5, -6.5: -0, -2, 6, -6
    [100, -1000, 63.75, -64.25],  // 200, -2000, 127.5, -128.5: beyond int8 both ways
    [0.3, -0.3, 2.9, 3.6],
  ]

  /// x [1,4] -> QuantizeLinear(0.5, zp) -> Clip(lo, hi) -> DequantizeLinear -> MatMul(DQ(W int8, per-axis scales, axis 1)) -> y [1,3].
  private func qcdqModel(zeroPoint: Onnx_TensorProto, clip: (Onnx_TensorProto, Onnx_TensorProto)?) -> Onnx_ModelProto {
    var nodes = [Proto.node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["x_q"], name: "quant_x")]
    if clip != nil {
      nodes.append(Proto.node("Clip", ["x_q", "clip_lo", "clip_hi"], ["x_c"], name: "clip_x"))
    }
    nodes += [
      Proto.node("DequantizeLinear", [clip == nil ? "x_q" : "x_c", "x_scale", "x_zp"], ["x_dq"], name: "dequant_x"),
      Proto.node("DequantizeLinear", ["W", "W_scale", "W_zp"], ["W_dq"], name: "dequant_w", [Proto.attr("axis", int: 1)]),
      Proto.node("MatMul", ["x_dq", "W_dq"], ["y"], name: "fc"),
    ]
    var initializers = [
      Proto.floats("x_scale", [], [inputScale]), zeroPoint,
      Proto.raw("W", [4, 3], .int8, weights.map { UInt8(bitPattern: Int8($0)) }),
      Proto.floats("W_scale", [3], weightScales), Proto.ints("W_zp", [3], .int8, [0, 0, 0]),
    ]
    if let clip { initializers += [clip.0, clip.1] }
    return Proto.model(nodes: nodes, initializers: initializers, inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 3])])
  }

  /// Runs every sample through `graph` and compares with the reference.
  private func checkRuns(
    _ graph: Graph, zp: Int, range: ClosedRange<Int>, clip: ClosedRange<Int>, clipped: String,
    weights w: [Int], weightZeroPoints: [Int], sourceLine: UInt = #line
  ) throws {
    let interpreter = Interpreter(graph: graph)
    for x in samples {
      let values = try interpreter.runAll(["x": Tensor(shape: [1, 4], floats: x)])
      let ref = x.map { qcdq($0, scale: inputScale, zp: zp, range: range, clip: clip) }
      XCTAssertEqual(values["x_q"]?.floats, ref.map { Float($0.0) }, "quantized \(x)", line: sourceLine)
      XCTAssertEqual(values[clipped]?.floats, ref.map { Float($0.1) }, "clipped \(x)", line: sourceLine)
      XCTAssertEqual(values["x_dq"]?.floats, ref.map(\.2), "dequantized \(x)", line: sourceLine)
      let y = matMulReference(ref.map(\.2), w, rows: 4, cols: 3, scales: weightScales, zeroPoints: weightZeroPoints)
      XCTAssertEqual(values["y"]?.shape, [1, 3], line: sourceLine)
      XCTAssertEqual(values["y"]?.floats, y, "output for \(x)", line: sourceLine)
    }
  }

  // MARK: Tests

  func testReferenceRoundsHalfToEven() {
    XCTAssertEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, 3])
    XCTAssertEqual(samples[0].map { quantize($0, scale: 0.5, zp: 0, lo: -128, hi: 127) }, [0, 2, -2, 2])
    XCTAssertEqual(samples[2].map { quantize($0, scale: 0.5, zp: 0, lo: -128, hi: 127) }, [127, -128, 127, -128])
  }

  func testInt8QCDQImportsWithNarrowClipTypeAndRunsExactly() throws {
    let model = qcdqModel(
      zeroPoint: Proto.ints("x_zp", [], .int8, [0]),
      clip: (Proto.ints("clip_lo", [], .int8, [-7]), Proto.ints("clip_hi", [], .int8, [7])))
    let graph = try Proto.load(model, file: "qcdq_int8.onnx")
    XCTAssertEqual(graph.types["x_q"]?.dataType, .int(8))
    XCTAssertEqual(graph.types["x_c"]?.dataType, .int(4))
    XCTAssertEqual(graph.types["x_c"]?.dataType, DataType.smallestInteger(min: -7, max: 7))
    XCTAssertEqual(graph.types["x_dq"]?.dataType, .float32)
    XCTAssertEqual(graph.types["y"]?.shape, [1, 3])
    // The weights' dequantization is folded at import into float weights.
    XCTAssertEqual(graph.nodes.map(\.op.typeName), ["QuantizeLinear", "Clip", "DequantizeLinear", "MatMul"])
    let w = try XCTUnwrap(graph.initializers["W_dq"])
    XCTAssertEqual(w.shape, [4, 3])
    XCTAssertEqual(w.floats, (0..<12).map { Float(weights[$0]) * weightScales[$0 % 3] })
    try checkRuns(graph, zp: 0, range: -128...127, clip: -7...7, clipped: "x_c", weights: weights, weightZeroPoints: [0, 0, 0])
    // The tie sample really exercises half-to-even: away-from-zero rounding would differ.
    let q = try Interpreter(graph: graph).runAll(["x": Tensor(shape: [1, 4], floats: samples[0])])["x_q"]
    XCTAssertEqual(q?.floats, [0, 2, -2, 2])
    XCTAssertNotEqual(q?.floats, samples[0].map { ($0 / inputScale).rounded(.toNearestOrAwayFromZero) })
  }

  func testUInt8QCDQWithZeroPoint() throws {
    let model = qcdqModel(
      zeroPoint: Proto.ints("x_zp", [], .uint8, [8]),
      clip: (Proto.ints("clip_lo", [], .uint8, [1]), Proto.ints("clip_hi", [], .uint8, [15])))
    let graph = try Proto.load(model, file: "qcdq_uint8.onnx")
    XCTAssertEqual(graph.types["x_q"]?.dataType, .uint(8))
    XCTAssertEqual(graph.types["x_c"]?.dataType, .uint(4))
    try checkRuns(graph, zp: 8, range: 0...255, clip: 1...15, clipped: "x_c", weights: weights, weightZeroPoints: [0, 0, 0])
    let q = try Interpreter(graph: graph).runAll(["x": Tensor(shape: [1, 4], floats: samples[2])])
    XCTAssertEqual(q["x_q"]?.floats, [208, 0, 136, 0])  // 200+8, saturated, 128+8, saturated
    XCTAssertEqual(q["x_c"]?.floats, [15, 1, 15, 1])
  }

  func testQDQWithoutClipKeepsTheZeroPointType() throws {
    let graph = try Proto.load(qcdqModel(zeroPoint: Proto.ints("x_zp", [], .int8, [-3]), clip: nil), file: "qdq.onnx")
    XCTAssertEqual(graph.types["x_q"]?.dataType, .int(8))
    try checkRuns(graph, zp: -3, range: -128...127, clip: -128...127, clipped: "x_q", weights: weights, weightZeroPoints: [0, 0, 0])
  }

  func testBatchedQCDQMatchesPerSampleRuns() throws {
    let model = qcdqModel(
      zeroPoint: Proto.ints("x_zp", [], .int8, [0]),
      clip: (Proto.ints("clip_lo", [], .int8, [-7]), Proto.ints("clip_hi", [], .int8, [7])))
    let graph = try Proto.load(model, file: "qcdq_int8.onnx")
    let interpreter = Interpreter(graph: graph)
    let batch = try interpreter.runBatch(Tensor(shape: [samples.count, 4], floats: samples.flatMap { $0 }))["y"]
    XCTAssertEqual(batch?.shape, [samples.count, 3])
    var expected: [Float] = []
    for x in samples { expected += try interpreter.run(["x": Tensor(shape: [1, 4], floats: x)])["y"]?.floats ?? [] }
    XCTAssertEqual(batch?.floats, expected)
  }

  /// Opset 21 with INT4 zero points (IR 10): activations saturate to -8...7, weights are packed nibbles.
  func testOpset21Int4ZeroPoints() throws {
    let w4 = [3, -2, 7, -8, 1, 0, 5, -1, -7, 2, 6, 4]
    let wZeroPoints = [0, 1, -1]
    let model = Proto.model(
      nodes: [
        Proto.node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["x_q"], name: "quant_x"),
        Proto.node("DequantizeLinear", ["x_q", "x_scale", "x_zp"], ["x_dq"], name: "dequant_x"),
        Proto.node("DequantizeLinear", ["W", "W_scale", "W_zp"], ["W_dq"], name: "dequant_w", [Proto.attr("axis", int: 1)]),
        Proto.node("MatMul", ["x_dq", "W_dq"], ["y"], name: "fc"),
      ],
      initializers: [
        Proto.floats("x_scale", [], [inputScale]), Proto.raw("x_zp", [], .int4, Proto.packedNibbles([1])),
        Proto.raw("W", [4, 3], .int4, Proto.packedNibbles(w4)),
        Proto.floats("W_scale", [3], weightScales), Proto.raw("W_zp", [3], .int4, Proto.packedNibbles(wZeroPoints)),
      ],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 3])], opset: 21)
    let graph = try Proto.load(model, file: "qdq_int4.onnx")
    XCTAssertEqual(graph.types["x_q"]?.dataType, .int(4))
    let w = try XCTUnwrap(graph.initializers["W_dq"])
    XCTAssertEqual(w.floats, (0..<12).map { Float(w4[$0] - wZeroPoints[$0 % 3]) * weightScales[$0 % 3] })
    try checkRuns(graph, zp: 1, range: -8...7, clip: -8...7, clipped: "x_q", weights: w4, weightZeroPoints: wZeroPoints)
    let q = try Interpreter(graph: graph).runAll(["x": Tensor(shape: [1, 4], floats: samples[1])])["x_q"]
    XCTAssertEqual(q?.floats, [1, -1, 7, -5])  // -0+1, -2+1, 6+1, -6+1
  }

  /// FINN dialect: MultiThreshold -> XnorPopcountMatMul (finn.custom_op.general) -> IntQuant (qonnx.custom_op.general).
  func testFINNDialectModel() throws {
    let thresholds: [Float] = [0, 0, 1, 0.5]  // [4, 1]: one step per channel
    let w: [Float] = [1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0]  // [4, 3]: columns [1,0,1,0], [0,1,0,1], [1,1,1,0]
    let model = Proto.model(
      nodes: [
        Proto.node(
          "MultiThreshold", ["x", "T"], ["b"], name: "mt", domain: "finn.custom_op.general",
          [Proto.attr("out_dtype", string: "BINARY")]),
        Proto.node("XnorPopcountMatMul", ["b", "W"], ["p"], name: "xnor", domain: "finn.custom_op.general"),
        Proto.node(
          "IntQuant", ["p", "s", "z", "bits"], ["y"], name: "iq", domain: "qonnx.custom_op.general",
          [Proto.attr("signed", int: 0), Proto.attr("narrow", int: 0), Proto.attr("rounding_mode", string: "ROUND")]),
      ],
      initializers: [
        Proto.floats("T", [4, 1], thresholds), Proto.floats("W", [4, 3], w),
        Proto.floats("s", [], [1]), Proto.floats("z", [], [0]), Proto.floats("bits", [], [2]),
      ],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 3])])
    let graph = try Proto.load(model, file: "finn.onnx")
    XCTAssertEqual(graph.nodes.map(\.op.typeName), ["MultiThreshold", "XnorPopcountMatMul", "Quant"])
    XCTAssertEqual(graph.types["b"]?.dataType, .binary)
    XCTAssertEqual(graph.types["p"]?.dataType, .uint(3))  // popcounts 0...4
    XCTAssertEqual(graph.types["y"]?.dataType, .uint(2))
    let interpreter = Interpreter(graph: graph)
    // Hand-computed: bits b = [x >= T], popcount of matches per column, then clamp to 0...3.
    let cases: [(x: [Float], b: [Float], p: [Float], y: [Float])] = [
      ([0.5, -1, 2, 0], [1, 0, 1, 0], [4, 0, 3], [3, 0, 3]),
      ([-1, 1, 0.5, 0.5], [0, 1, 0, 1], [0, 4, 1], [0, 3, 1]),
      ([0, 0, 1, 0.49], [1, 1, 1, 0], [3, 1, 4], [3, 1, 3]),
    ]
    for c in cases {
      let values = try interpreter.runAll(["x": Tensor(shape: [1, 4], floats: c.x)])
      XCTAssertEqual(values["b"]?.floats, c.b, "thresholds for \(c.x)")
      XCTAssertEqual(values["p"]?.floats, c.p, "popcounts for \(c.x)")
      XCTAssertEqual(values["y"]?.floats, c.y, "IntQuant for \(c.x)")
      // The same from the definitions, as a cross-check of the literals.
      let bits = (0..<4).map { c.x[$0] >= thresholds[$0] ? Float(1) : 0 }
      let counts = (0..<3).map { j in Float((0..<4).filter { bits[$0] == w[$0 * 3 + j] }.count) }
      XCTAssertEqual(counts, c.p)
    }
  }
}
