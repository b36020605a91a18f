import FinchIR
import XCTest

/// `Graph(parsing:)` reads what the printer writes, and says where text it cannot read goes wrong.
final class GraphParserTests: XCTestCase {
  private let tiny = """
    graph tiny
      input x: INT4[1,3]
      const w: INT2[3,2] = [1.0,-1.0,0.0,1.0,-2.0,1.0]
      const s: FLOAT32[] = [0.1]
      mm = MatMul(x: INT4[1,3], w: INT2[3,2]) -> acc: INT6[1,2]
      scale = Mul(acc: INT6[1,2], s: FLOAT32[]) -> y: FLOAT32[1,2]
      output y: FLOAT32[1,2]

    """

  func testTinyGraphReadsBackAndPrintsTheSame() throws {
    let g = try Graph(parsing: tiny)
    XCTAssertEqual(g.name, "tiny")
    XCTAssertEqual(g.inputs, ["x"])
    XCTAssertEqual(g.outputs, ["y"])
    XCTAssertEqual(g.nodes.map(\.op), [.matMul, .binary(.mul)])
    XCTAssertEqual(g.initializers["w"], Tensor(shape: [3, 2], floats: [1, -1, 0, 1, -2, 1]))
    XCTAssertEqual(g.types["w"]?.dataType, .int(2))
    XCTAssertEqual(g.text, tiny)
    XCTAssertEqual(g.fullText, tiny)
    XCTAssertNoThrow(try g.verify())
    var inferred = g
    try inferred.inferTypes()
    XCTAssertEqual(inferred, g)
  }

  func testCommentsBlankLinesAndSpacingAreAccepted() throws {
    let loose = """
      // after fold-constants
      graph tiny

        input   x :INT4[ 1 , 3 ]
        const w: INT2[3,2] = [ 1.0, -1.0, 0.0, 1.0, -2.0, 1.0 ]
        const s: FLOAT32[] = [0.1]
        mm = MatMul( x: INT4[1,3] , w: INT2[3,2] ) -> acc: INT6[1,2]
        scale = Mul(acc: INT6[1,2], s: FLOAT32[]) -> y: FLOAT32[1,2]
        output y: FLOAT32[1,2]
      """
    XCTAssertEqual(try Graph(parsing: loose).text, tiny)
  }

  func testLargeConstantsAreLeftOutOfTextButNotOfFullText() throws {
    var g = try Graph(parsing: tiny)
    g.addConstant("s", Tensor(shape: [17], floats: (0..<17).map { Float($0) / 3 }))
    g.types["y"] = ValueType(shape: [1, 17])
    XCTAssertTrue(g.text.contains("  const s: FLOAT32[17]\n"), g.text)
    XCTAssertThrowsError(try Graph(parsing: g.text)) { error in
      XCTAssertEqual("\(error)", "line 4, column 23: constant 's' has no values (text leaves out large ones; print the graph's fullText)")
    }
    XCTAssertEqual(try Graph(parsing: g.fullText), g)
  }

  /// Floats survive bit for bit: signed zeros, subnormals, extremes, infinities.
  func testFloatValuesAreExact() throws {
    let values: [Float] = [
      -0.0, 0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.infinity, .infinity, 0.1, 1e-5, 1 / 3,
      16_777_217, .pi, -1e30, .ulpOfOne,
    ]
    var g = Graph(name: "f", inputs: [], outputs: ["c", "i"], nodes: [], initializers: [:], types: [:])
    g.addConstant("c", Tensor(shape: [values.count], floats: values))
    g.addConstant("i", Tensor(shape: [4], int64s: [.min, -1, 0, .max]), dataType: .int(8))
    let back = try Graph(parsing: g.fullText)
    XCTAssertEqual(back.initializers["c"]?.floats.map(\.bitPattern), values.map(\.bitPattern))
    XCTAssertEqual(back.initializers["i"], g.initializers["i"])
    XCTAssertEqual(back.types["i"], ValueType(shape: [4], elementType: .int64, dataType: .int(8)))
    XCTAssertTrue(g.fullText.contains("const i: INT8/int64[4] = [-9223372036854775808,-1,0,9223372036854775807]"), g.fullText)
  }

  /// Names that are not plain are quoted and read back: spaces, quotes, `::`, `_`, keywords, the empty name.
  func testAwkwardNamesRoundTrip() throws {
    let names = ["onnx::MatMul_12", "/features/conv1/Conv_output_0", "a b", "quote\"back\\slash", "_", "tab\tnew\nline", "é", "input", "x:"]
    var g = Graph(name: "", inputs: [], outputs: [], nodes: [], initializers: [:], types: [:])
    var previous = "in"
    g.inputs = [previous]
    g.types[previous] = ValueType(shape: [2])
    for (k, n) in names.enumerated() {
      g.nodes.append(Node(name: k % 2 == 0 ? n : "node \(k)", op: .unary(.relu), inputs: [previous], outputs: [n]))
      g.types[n] = ValueType(shape: [2])
      previous = n
    }
    g.outputs = [previous]
    XCTAssertTrue(g.text.contains("  onnx::MatMul_12 = Relu(in: FLOAT32[2]) -> onnx::MatMul_12: FLOAT32[2]\n"), g.text)
    XCTAssertTrue(g.text.contains("\"_\""), g.text)
    XCTAssertEqual(try Graph(parsing: g.text), g)
  }

  /// Every op, with non-default attributes, reads back as itself.
  func testEveryOpReadsBackWithItsAttributes() throws {
    let ops: [Op] = [
      .quant(Quant(signed: false, narrow: true, rounding: .halfDown)), .bipolarQuant,
      .trunc(Trunc(signed: true, narrow: false, rounding: .ceil)),
      .multiThreshold(MultiThreshold(outScale: 2, outBias: -1.5, outType: .fixed(bits: 8, intBits: 1), channelsLast: true)),
      .xnorPopcountMatMul, .quantizeLinear(QuantizeLinear(axis: 0, outType: .int(8))), .dequantizeLinear(axis: 2), .matMul,
      .gemm(Gemm(alpha: 0.5, beta: 0, transA: true, transB: true)),
      .conv(Conv(kernel: [3, 1], strides: [2, 1], pads: [1, 0, 1, 0], dilations: [1, 2], group: 4)),
      .binary(.pow), .unary(.reciprocal), .clip, .batchNormalization(epsilon: 1e-3), .softmax(axis: 1),
      .maxPool(Pool(kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], dilations: [1, 1], ceilMode: true)),
      .averagePool(Pool(kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true)), .globalAveragePool,
      .reshape(allowZero: true), .flatten(axis: 2), .transpose(perm: [0, 2, 3, 1]), .squeeze(axes: []), .squeeze(axes: [1, -1]),
      .unsqueeze(axes: [0]), .concat(axis: -1), .pad(pads: [0, 1, 0, 1], value: -0.5), .identity, .shape, .gather(axis: 1),
      .cast(to: .int64), .argMax(axis: -1, keepDims: false, selectLastIndex: true),
      .topK(TopK(k: 5, axis: 0, largest: false, sorted: false)), .mvau(MVAU(xnor: true)),
      .mvau(MVAU(xnor: false, outScale: 2, outBias: -3, outType: .int(4))),
      .swu(SWU(kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], padValue: -1)),
      .thresholding(MultiThreshold(outScale: 1, outBias: 0, outType: .uint(2), channelsLast: true)),
      .streamingMaxPool(kernel: [2, 2], strides: [2, 2]), .labelSelect(k: 3), .vvau(MVAU(xnor: false)),
      .vvau(MVAU(xnor: false, outScale: 1, outBias: 0, outType: .uint(4))), .addStreams, .globalAccPool,
    ]
    var g = Graph(name: "ops", inputs: ["x"], outputs: [], nodes: [], initializers: [:], types: [:])
    for (k, op) in ops.enumerated() { g.nodes.append(Node(name: "n\(k)", op: op, inputs: ["x", ""], outputs: ["y\(k)", ""])) }
    let back = try Graph(parsing: g.text)
    XCTAssertEqual(back.nodes.map(\.op), ops)
    XCTAssertEqual(back, g)
    XCTAssertTrue(g.text.contains("n0 = Quant{signed=0, narrow=1, rounding_mode=HALF_DOWN}(x: ?, _) -> y0: ?, _\n"), g.text)
    XCTAssertTrue(g.text.contains("out_dtype=FIXED<8,1>"), g.text)
  }

  func testAbsentAttributesTakeTheirONNXDefaults() throws {
    let g = try Graph(parsing: """
      graph d
        input x: FLOAT32[1,4]
        q = Quant(x: FLOAT32[1,4]) -> y: ?
        g = Gemm(x: FLOAT32[1,4]) -> z: ?
      """)
    XCTAssertEqual(g.nodes.map(\.op), [.quant(Quant(signed: true, narrow: false, rounding: .round)), .gemm(Gemm())])
  }

  private func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try Graph(parsing: text), file: file, line: line) { error in
      XCTAssertEqual("\(error)", expected, file: file, line: line)
    }
  }

  func testErrorsNameTheLineAndColumn() {
    let head = "graph g\n  input x: FLOAT32[2]\n"
    assertError("", "line 1, column 1: expected 'graph NAME' first, found the end of the text")
    assertError("graf g\n", "line 1, column 1: expected 'graph NAME' first, found 'graf g'")
    assertError(head + "  y = Frobnicate(x: FLOAT32[2]) -> y: ?\n", "line 3, column 7: 'Frobnicate' is not an op Finch knows")
    assertError(head + "  y Relu(x: FLOAT32[2]) -> y: ?\n", "line 3, column 5: expected '=' after the node name 'y', found 'Relu(x: FLOAT32['")
    assertError(head + "  y = Relu(x: FLOAT33[2]) -> y: ?\n", "line 3, column 15: 'FLOAT33' is not a datatype (INT4, UINT8, BIPOLAR, FIXED<8,1>, FLOAT32, ...)")
    assertError(head + "  y = Relu(x: INT4[2]) -> y: ?\n", "line 3, column 12: 'x' is written as INT4[2] but defined as FLOAT32[2]")
    assertError(head + "  y = Relu(z: FLOAT32[2]) -> y: ?\n", "line 3, column 12: 'z' is not defined")
    assertError(head + "  y = Relu(x: FLOAT32[2]) -> x: ?\n", "line 3, column 30: 'x' is already defined on line 2")
    assertError(
      head + "  y = Quant{rounding=ROUND}(x: FLOAT32[2]) -> y: ?\n",
      "line 3, column 13: Quant has no attribute 'rounding'; it has signed, narrow, rounding_mode")
    assertError(
      head + "  y = Quant{rounding_mode=SIDEWAYS}(x: FLOAT32[2]) -> y: ?\n",
      "line 3, column 27: attribute rounding_mode: 'SIDEWAYS' is not one of ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP, HALF_DOWN")
    assertError(head + "  y = Transpose(x: FLOAT32[2]) -> y: ?\n", "line 3, column 1: attribute perm: required attribute is missing")
    assertError(head + "  y = Flatten{axis=1.5}(x: FLOAT32[2]) -> y: ?\n", "line 3, column 20: attribute axis: '1.5' is not an integer")
    assertError(head + "  const c: FLOAT32[2] = [1.0]\n", "line 3, column 24: constant 'c' has 1 values; its shape [2] needs 2")
    assertError(head + "  const c: INT64[1] = [1.5]\n", "line 3, column 22: '1.5' in constant 'c' is not a 64-bit integer")
    assertError(head + "  output x: FLOAT32[2] junk\n", "line 3, column 24: expected the end of the line, found 'junk'")
    assertError(head + "  input \"x\n", "line 3, column 9: unterminated quoted name")
  }
}
