@testable import FinchONNX
import FinchIR
import FinchInterpreter
import FinchTestSupport
import XCTest

/// Exporting a graph and importing it again gives the same graph, the same
/// outputs bit for bit, and the same bytes when exported again.
final class ExportRoundTripTests: XCTestCase {
  func testFixturesRoundTrip() throws {
    for fixture in Fixture.all {
      // The CNV runs ~0.2 s per sample in debug builds; a few samples suffice.
      let x = try fixture.inputs().firstSamples(fixture.name.hasPrefix("cnv") ? 3 : 10)
      for path in [fixture.modelPath, fixture.rawModelPath] {
        let graph = try ONNXImporter.load(path: path)
        let data = try ONNXExporter.encode(graph)
        let again = try ONNXImporter.decode(data, file: path)
        XCTAssertEqual(again.text, graph.text, path)
        XCTAssertEqual(try ONNXExporter.encode(again), data, "\(path): re-export differs")
        let (y, y2) = (try Interpreter(graph: graph).runBatch(x), try Interpreter(graph: again).runBatch(x))
        for name in graph.outputs {
          assertBitExact(try XCTUnwrap(y2[name]), try XCTUnwrap(y[name]), "\(path): \(name)")
        }
      }
    }
  }

  func testExportIsDeterministicAndWellFormed() throws {
    let graph = try Fixture.all[1].model()
    let data = try ONNXExporter.encode(graph)
    XCTAssertEqual(try ONNXExporter.encode(graph), data)
    let model = try Onnx_ModelProto(serializedBytes: data)
    XCTAssertEqual(model.irVersion, 8)
    XCTAssertEqual(model.producerName, "finch")
    XCTAssertEqual(model.opsetImport.map { "\($0.domain):\($0.version)" }, [":17", "qonnx.custom_op.general:2"])
    let quant = try XCTUnwrap(model.graph.node.first { $0.opType == "Quant" })
    XCTAssertEqual(quant.domain, "qonnx.custom_op.general")
    XCTAssertEqual(quant.attribute.map(\.name), ["signed", "narrow", "rounding_mode"])
    XCTAssertEqual(quant.attribute.last?.type, .string)
    XCTAssertEqual(model.graph.node.first { $0.opType == "MatMul" }?.domain, "")
    XCTAssertEqual(model.graph.initializer.map(\.name), graph.initializers.keys.sorted())
    let annotated = Dictionary(uniqueKeysWithValues: model.graph.quantizationAnnotation.map {
      ($0.tensorName, $0.quantParameterTensorNames.map { "\($0.key)=\($0.value)" })
    })
    for name in graph.inputs + graph.initializers.keys + graph.nodes.flatMap(\.outputs) {
      let type = try XCTUnwrap(graph.type(of: name))
      let implied: FinchIR.DataType = type.elementType == .int64 ? .int(64) : .float32
      XCTAssertEqual(annotated[name], type.dataType == implied ? nil : ["finn_datatype=\(type.dataType.finnName)"], name)
    }
    let interior = graph.nodes.flatMap(\.outputs).filter { !graph.outputs.contains($0) }
    XCTAssertEqual(model.graph.valueInfo.map(\.name), interior)
  }

  func testHandBuiltGraphRoundTrips() throws {
    var rng = SplitMix(seed: 42)
    func random(_ shape: Shape, _ range: ClosedRange<Float> = -1...1) -> Tensor {
      Tensor(shape: shape, floats: (0..<shape.elementCount).map { _ in Float.random(in: range, using: &rng) })
    }
    let thresholds = (0..<8).flatMap { _ in [Float.random(in: -1...0, using: &rng), 0, Float.random(in: 0...1, using: &rng)] }
    let nodes = [
      Node(name: "q", op: .quantizeLinear(QuantizeLinear(axis: 1, outType: .uint(8))), inputs: ["x", "s", "zp"], outputs: ["xq"]),
      Node(name: "dq", op: .dequantizeLinear(axis: 1), inputs: ["xq", "s", "zp"], outputs: ["xd"]),
      Node(name: "clip", op: .clip, inputs: ["xd", "lo", "hi"], outputs: ["xc"]),
      Node(name: "conv", op: .conv(Conv(kernel: [3, 3], strides: [1, 2], pads: [1, 1, 0, 2], group: 2)),
           inputs: ["xc", "w", "b"], outputs: ["c"]),
      Node(name: "pool", op: .averagePool(Pool(kernel: [2, 2], strides: [1, 1], pads: [0, 1, 0, 1], countIncludePad: true)),
           inputs: ["c"], outputs: ["p"]),
      Node(name: "nhwc", op: .transpose(perm: [0, 2, 3, 1]), inputs: ["p"], outputs: ["t"]),
      Node(name: "mt", op: .multiThreshold(MultiThreshold(outScale: 2, outBias: -1, outType: .int(4), channelsLast: true)),
           inputs: ["t", "thr"], outputs: ["m"]),
      Node(name: "pad", op: .pad(pads: [0, 0, 1, 0, 0, 1, 0, 0], value: 0.5), inputs: ["m"], outputs: ["pd"]),
      Node(name: "unsq", op: .unsqueeze(axes: [0]), inputs: ["pd"], outputs: ["u"]),
      Node(name: "sq", op: .squeeze(axes: [1]), inputs: ["u"], outputs: ["s1"]),
      Node(name: "flat", op: .flatten(axis: 1), inputs: ["s1"], outputs: ["f"]),
      // "top_K" is taken, so TopK's K input gets "top_K_1".
      Node(name: "fc", op: .gemm(Gemm(alpha: 0.5, beta: 2, transB: true)), inputs: ["f", "wg", "bg"], outputs: ["top_K"]),
      Node(name: "top", op: .topK(TopK(k: 3, axis: -1, largest: false, sorted: true)), inputs: ["top_K"], outputs: ["v", "idx"]),
      Node(name: "sqall", op: .squeeze(axes: []), inputs: ["v"], outputs: ["y"]),
    ]
    var graph = Graph(
      name: "hand", inputs: ["x"], outputs: ["y", "idx"], nodes: nodes,
      initializers: [
        "s": Tensor(scalar: 0.02), "zp": Tensor(shape: [], int64s: [128]),
        "lo": Tensor(scalar: -0.5), "hi": Tensor(scalar: 1.5),
        "w": random([8, 2, 3, 3]), "b": random([8]), "thr": Tensor(shape: [8, 3], floats: thresholds),
        "wg": random([10, 240]), "bg": random([10]),
      ],
      types: ["x": ValueType(shape: [1, 4, 6, 6]), "zp": ValueType(shape: [], elementType: .int64, dataType: .uint(8))])
    try graph.inferTypes()
    try graph.verify()

    let data = try ONNXExporter.encode(graph)
    XCTAssertEqual(try ONNXExporter.encode(graph), data)
    let again = try ONNXImporter.decode(data, file: "hand.onnx")
    XCTAssertEqual(again.text, graph.text)
    XCTAssertEqual(try ONNXExporter.encode(again), data)
    let feed = ["x": random([1, 4, 6, 6], -3...3)]
    let (y, y2) = (try Interpreter(graph: graph).run(feed), try Interpreter(graph: again).run(feed))
    for name in graph.outputs { assertBitExact(try XCTUnwrap(y2[name]), try XCTUnwrap(y[name]), name) }

    // The opset-17 forms: constant inputs for axes, pads and K; integer QDQ types.
    let proto = try Onnx_ModelProto(serializedBytes: data).graph
    func node(_ name: String) throws -> Onnx_NodeProto { try XCTUnwrap(proto.node.first { $0.name == name }) }
    XCTAssertEqual(try node("sq").input, ["u", "sq_axes"])
    XCTAssertEqual(try node("sqall").input, ["v"])
    XCTAssertEqual(try node("unsq").input, ["pd", "unsq_axes"])
    XCTAssertEqual(try node("pad").input, ["m", "pad_pads", "pad_value"])
    XCTAssertEqual(try node("top").input, ["top_K", "top_K_1"])
    XCTAssertEqual(try node("mt").domain, "qonnx.custom_op.general")
    XCTAssertEqual(try node("pool").attribute.map(\.name), ["kernel_shape", "strides", "pads", "count_include_pad"])
    let k = try XCTUnwrap(proto.initializer.first { $0.name == "top_K_1" })
    XCTAssertEqual(k.dims, [1])
    XCTAssertEqual(k.dataType, ONNXElement.int64.rawValue)
    XCTAssertEqual(proto.initializer.first { $0.name == "zp" }?.dataType, ONNXElement.uint8.rawValue)
    XCTAssertEqual(proto.valueInfo.first { $0.name == "xq" }?.type.tensorType.elemType, ONNXElement.uint8.rawValue)
    XCTAssertEqual(proto.output.map(\.type.tensorType.elemType), [ONNXElement.float.rawValue, ONNXElement.int64.rawValue])
  }

  func testSaveReplacesAtomicallyAndReportsFailures() throws {
    let graph = try Fixture.all[0].model()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("finch-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("model.onnx").path
    try ONNXExporter.save(graph, path: path)
    try ONNXExporter.save(graph, path: path)
    XCTAssertEqual(try ONNXImporter.load(path: path).text, graph.text)

    let blocked = folder.appendingPathComponent("dir")
    try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
    for bad in [blocked.path, folder.appendingPathComponent("model.onnx/model.onnx").path] {
      XCTAssertThrowsError(try ONNXExporter.save(graph, path: bad)) { error in
        guard case ONNXError.io(let file, _) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(file, bad)
      }
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["dir", "model.onnx"])
  }

  func testRefusesWhatOpset17CannotSay() throws {
    var graph = Graph(
      name: "g", inputs: ["x"], outputs: ["y"],
      nodes: [Node(name: "pool", op: .averagePool(Pool(kernel: [2, 2], strides: [1, 1], dilations: [2, 2])),
                   inputs: ["x"], outputs: ["y"])],
      initializers: [:], types: ["x": ValueType(shape: [1, 1, 5, 5])])
    try graph.inferTypes()
    XCTAssertThrowsError(try ONNXExporter.encode(graph)) { error in
      guard case ONNXError.invalidNode(_, "pool", "AveragePool", "dilations", _) = error else { return XCTFail("\(error)") }
    }
    graph.nodes[0].inputs = ["nowhere"]
    XCTAssertThrowsError(try ONNXExporter.encode(graph)) { error in
      guard case ONNXError.invalidGraph = error else { return XCTFail("\(error)") }
    }
  }
}

/// A small seeded generator, so that the hand-built test is reproducible.
private struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
