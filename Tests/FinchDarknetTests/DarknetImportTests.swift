import FinchDarknet
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// The Darknet frontend against an independent NumPy implementation of
/// Darknet's forward pass (scripts/darknet-reference.py wrote the fixtures in
/// Tests/Fixtures/darknet): every supported layer kind, float and quantized.
final class DarknetImportTests: XCTestCase {
  private func fixture(_ file: String) -> String { Fixture.path("darknet/\(file)") }

  /// Runs `graph` on every reference input of `name` and compares with the
  /// reference outputs within `tolerance`.
  private func checkAgainstReference(_ graph: Graph, _ name: String, tolerance: Float, file: StaticString = #filePath, line: UInt = #line) throws {
    let inputs = try NPY.read(path: fixture("\(name).in.npy")), outputs = try NPY.read(path: fixture("\(name).out.npy"))
    let samples = inputs.shape.dims[0], inCount = inputs.shape.elementCount / samples, outCount = outputs.shape.elementCount / samples
    let inputType = try XCTUnwrap(graph.types[graph.inputs[0]])
    XCTAssertEqual(inputType.shape.elementCount, inCount, file: file, line: line)
    for s in 0..<samples {
      let x = Tensor(shape: inputType.shape, floats: Array(inputs.floats[(s * inCount)..<((s + 1) * inCount)]))
      // Every output (the YOLO heads), flattened and joined, as the reference writes them.
      let results = try Interpreter(graph: graph).run([graph.inputs[0]: x])
      let y = graph.outputs.flatMap { results[$0]?.floats ?? [] }
      XCTAssertEqual(y.count, outCount, file: file, line: line)
      let expected = Array(outputs.floats[(s * outCount)..<((s + 1) * outCount)])
      let worst = zip(y, expected).map { abs($0 - $1) }.max() ?? 0
      XCTAssertLessThanOrEqual(worst, tolerance, "\(name) sample \(s)", file: file, line: line)
    }
  }

  /// Convolutions (batch norm or bias; relu, leaky, linear, logistic; strides,
  /// padding, groups), max-pool 2/2 and Darknet's 2/1, shortcut, route,
  /// avgpool and softmax, in float.
  func testFloatLayersMatchTheReference() throws {
    let graph = try DarknetImporter.load(cfg: fixture("tiny_float.cfg"))
    XCTAssertEqual(graph.types["image"]?.shape, [1, 3, 12, 10])
    try checkAgainstReference(graph, "tiny_float", tolerance: 1e-6)
  }

  /// A YOLOv2 `[region]` head (logistic x, y, objectness; softmax classes)
  /// and a YOLOv3 `[yolo]` head on a routed, upsampled layer (masked anchors,
  /// logistic classes): both are the graph's outputs.
  func testYOLOHeadsMatchTheReference() throws {
    let graph = try DarknetImporter.load(cfg: fixture("tiny_yolo.cfg"))
    XCTAssertEqual(graph.outputs, ["region_3", "yolo_7"].map { $0 + "_out" })
    XCTAssertEqual(graph.types["yolo_7_out"]?.shape, [1, 21, 16, 16])
    try checkAgainstReference(graph, "tiny_yolo", tolerance: 1e-6)
  }

  /// Tinier-YOLO's kinds at toy size: 8-bit input, 8-bit weights, binary
  /// weights (sign times each filter's mean), 3-bit ReLU and signed 4-bit
  /// leaky activations,
  /// max-pool 2/1; the imported graph and the compiled one (integer
  /// thresholds) both give the reference's outputs.
  func testQuantizedLayersMatchTheReferenceImportedAndCompiled() throws {
    var graph = try DarknetImporter.load(cfg: fixture("tiny_quant.cfg"), weights: fixture("tiny_quant.weights"))
    XCTAssertEqual(graph.types["image"]?.dataType, .uint(8))
    try checkAgainstReference(graph, "tiny_quant", tolerance: 1e-5)
    try Pipeline.compile.run(on: &graph)
    XCTAssertTrue(graph.nodes.contains { if case .mvau = $0.op { true } else { false } }, "no layer was lowered to an MVAU:\n\(graph.nodes.map { "\($0.name) \($0.op)" }.joined(separator: "\n"))")
    try checkAgainstReference(graph, "tiny_quant", tolerance: 1e-5)
  }

  /// A quantized network that branches: a `[shortcut]` of two layers
  /// quantized alike and a `[route]` of two 3-bit layers of one scale compile
  /// to a stream adder and a stream concatenation (hardware layers only, with
  /// the graph's layout and scales on the host); imported and compiled, both
  /// give the reference's outputs.
  func testShortcutAndRouteCompileToStreamJoins() throws {
    var graph = try DarknetImporter.load(cfg: fixture("tiny_branch.cfg"), weights: fixture("tiny_branch.weights"))
    try checkAgainstReference(graph, "tiny_branch", tolerance: 1e-5)
    try Pipeline.compile.run(on: &graph)
    XCTAssertFalse(graph.nodes.contains { if case .concat = $0.op { true } else if case .conv = $0.op { true } else { $0.op == .binary(.add) && $0.inputs.allSatisfy { graph.initializers[$0] == nil } } })
    XCTAssertEqual(graph.nodes.filter { $0.op == .addStreams || $0.op == .streamingConcat }.map(\.name), ["shortcut_2", "route_7"])
    try checkAgainstReference(graph, "tiny_branch", tolerance: 1e-5)
  }

  /// `xnor=1` (binary inputs `x > 0 ? 1 : −1` and binary weights) after an
  /// 8-bit-weight layer with signed 4-bit leaky outputs, and on a max-pooled
  /// 2-bit ReLU layer, as the reference computes it, imported and compiled.
  /// Darknet pads the binarized input with 0, so a padded layer's inputs are
  /// INT2 (an integer MVAU with bipolar weights); without padding they are
  /// BIPOLAR and the layer is an XNOR-popcount MVAU.
  func testXNORLayersMatchTheReferenceImportedAndCompiled() throws {
    var graph = try DarknetImporter.load(cfg: fixture("tiny_xnor.cfg"))
    try checkAgainstReference(graph, "tiny_xnor", tolerance: 1e-5)
    try Pipeline.compile.run(on: &graph)
    func mvaus(_ g: Graph) -> [(xnor: Bool, input: DataType?)] {
      g.nodes.compactMap { if case .mvau(let m) = $0.op { (m.xnor, g.type(of: $0.inputs[0])?.dataType) } else { nil } }
    }
    let padded = mvaus(graph).dropFirst()
    XCTAssertEqual(padded.map(\.xnor), [false, false], "\(graph.nodes.map { "\($0.name) \($0.op)" }.joined(separator: "\n"))")
    XCTAssertEqual(padded.map(\.input), [.int(2), .int(2)])
    try checkAgainstReference(graph, "tiny_xnor", tolerance: 1e-5)
    var unpadded = try DarknetImporter.load(cfg: try edited("tiny_xnor", edit: {
      $0.replacingOccurrences(of: "pad=1\nbatch_normalize=1\nxnor=1", with: "pad=0\nbatch_normalize=1\nxnor=1")
        .replacingOccurrences(of: "pad=1\nxnor=1", with: "pad=0\nxnor=1")
    }))
    try Pipeline.compile.run(on: &unpadded)
    XCTAssertEqual(mvaus(unpadded).dropFirst().map(\.xnor), [true, true])
  }

  /// A copy of a fixture's .cfg with `edit` applied, beside a copy of its weights.
  private func edited(_ name: String, weights: (Data) -> Data = { $0 }, edit: (String) -> String = { $0 }) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-darknet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    let cfg = dir.appendingPathComponent("\(name).cfg")
    try edit(try String(contentsOfFile: fixture("\(name).cfg"), encoding: .utf8)).write(to: cfg, atomically: true, encoding: .utf8)
    try weights(try Data(contentsOf: URL(fileURLWithPath: fixture("\(name).weights")))).write(to: dir.appendingPathComponent("\(name).weights"))
    return cfg.path
  }

  private func importError(_ cfg: String) -> String {
    do {
      _ = try DarknetImporter.load(cfg: cfg)
      return "no error"
    } catch {
      return error.description
    }
  }

  func testWeightsThatDoNotMatchTheCfgNameTheLayerAndTheBytes() throws {
    let truncated = importError(try edited("tiny_float", weights: { $0.dropLast(10) }))
    XCTAssertTrue(truncated.contains("layer 7 [convolutional]: weights (10x16x3x3) needs 1440 floats (5760 bytes)"), truncated)
    XCTAssertTrue(truncated.contains("5750 bytes left"), truncated)
    let longer = importError(try edited("tiny_float", weights: { $0 + Data(count: 8) }))
    XCTAssertTrue(longer.contains("need 9384 bytes of parameters after the 20-byte header, but the file has 9392"), longer)
    let header = importError(try edited("tiny_float", weights: { $0.prefix(7) }))
    XCTAssertTrue(header.contains("7 bytes: too short for a Darknet weights header"), header)
    // One filter more than the weights hold: the first layer already reads another layer's floats, the last runs out.
    let mismatch = importError(try edited("tiny_float", edit: { $0.replacingOccurrences(of: "filters=10", with: "filters=11") }))
    XCTAssertTrue(mismatch.contains("layer 7 [convolutional]"), mismatch)
    var rng = SplitMix64(seed: 16)
    let random = importError(try edited("tiny_float", weights: { Data((0..<$0.count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }))
    XCTAssertNotEqual(random, "no error")
  }

  func testCfgMistakesNameTheFileLineAndKey() throws {
    let cases: [(String, String, String)] = [
      ("activation=relu", "activation=relu\nsize_typo=3", ":14: [convolutional] has no option 'size_typo'"),
      ("filters=8\nsize=3\nstride=1", "filters=8\nsize=300\nstride=1", ":9: size=300: expected an integer in 1...15"),
      ("[avgpool]", "[avgpool]\n[connected]", ":51: [connected]: not yet imported by Finch"),
      ("[avgpool]", "[avgpool_typo]", ":50: [avgpool_typo]: not a Darknet layer"),
      ("activation=relu", "activation=mish", ":13: activation=mish: expected one of linear, relu, logistic, leaky"),
      ("layers=-1,-3", "layers=-1,9", ":42: layers: layer 9 is not an earlier layer of layer 6"),
      ("[net]", "[net]\nwidth=4", ":4: 'width' is set again (first on line 2)"),
      ("filters=8\nsize=1\ngroups=2", "filters=8\nsize=1\ngroups=3", "groups=3 must divide the 8 input channels"),
      ("from=-3", "from=-4", "adds a 8x6x5 layer to a 8x3x3 one: only equal shapes are imported"),
    ]
    for (old, new, message) in cases {
      let error = importError(
        try edited("tiny_float", edit: { text in
          guard let range = text.range(of: old) else { return "missing \(old)" }
          return text.replacingCharacters(in: range, with: new)
        }))
      XCTAssertTrue(error.contains(message), "\(new): \(error)")
    }
  }
}
