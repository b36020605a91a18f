import FinchIR
import FinchInterpreter
import Foundation
import SwiftProtobuf
import XCTest

@testable import FinchONNX

/// Bad input must give a clear error naming the file and what is wrong:
/// never a crash, a hang or an unbounded allocation.
final class BadInputTests: XCTestCase {
  private let quantDomain = "qonnx.custom_op.general"
  /// `FINCH_FUZZ_ITERATIONS` and `FINCH_FUZZ_SEED` widen the mutation tests for a longer local search.
  private let fuzzIterations = ProcessInfo.processInfo.environment["FINCH_FUZZ_ITERATIONS"].flatMap { Int($0) }
  private let fuzzSeed = ProcessInfo.processInfo.environment["FINCH_FUZZ_SEED"].flatMap { UInt64($0) }

  // MARK: Models

  /// x [1,4] -> MatMul(W [4,3]) -> y [1,3].
  private func matMulModel(weights: Onnx_TensorProto? = Proto.floats("W", [4, 3], (0..<12).map { Float($0) })) -> Onnx_ModelProto {
    Proto.model(
      nodes: [Proto.node("MatMul", ["x", "W"], ["y"], name: "mm")],
      initializers: weights.map { [$0] } ?? [],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 3])])
  }

  /// x [1,4] -> Quant(scale, zero point, bit width) -> y, all parameters initializers.
  private func quantModel(scale: [Float] = [0.5], zeroPoint: [Float] = [0], bits: Float = 4) -> Onnx_ModelProto {
    Proto.model(
      nodes: [Proto.node("Quant", ["x", "s", "z", "b"], ["y"], name: "quant_act", domain: quantDomain, [Proto.attr("signed", int: 1)])],
      initializers: [
        Proto.floats("s", scale.count == 1 ? [] : [scale.count], scale),
        Proto.floats("z", zeroPoint.count == 1 ? [] : [zeroPoint.count], zeroPoint),
        Proto.floats("b", [], [bits]),
      ],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
  }

  // MARK: Corrupt files

  /// Offsets where a top-level field of a serialized message ends (a cut there leaves valid protobuf).
  private func topLevelFieldEnds(_ bytes: [UInt8]) -> Set<Int> {
    var ends: Set<Int> = [0]
    var i = 0
    func varint() -> UInt64? {
      var v: UInt64 = 0, shift: UInt64 = 0
      while i < bytes.count, shift < 64 {
        let b = bytes[i]
        i += 1
        v |= UInt64(b & 0x7F) << shift
        if b & 0x80 == 0 { return v }
        shift += 7
      }
      return nil
    }
    while i < bytes.count {
      guard let tag = varint() else { break }
      switch tag & 7 {
      case 0: _ = varint()
      case 1: i += 8
      case 2: i += Int(varint() ?? 0)
      case 5: i += 4
      default: return ends
      }
      ends.insert(i)
    }
    return ends
  }

  func testTruncatedFixtureFailsCleanly() throws {
    let path = fixturesDirectory.appendingPathComponent("tfc_w1a1.onnx").path
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let bytes = [UInt8](data)
    XCTAssertNoThrow(try ONNXImporter.decode(data, file: path), "the untruncated fixture must import")
    let validCuts = topLevelFieldEnds(bytes)
    var cuts = Set(0..<64)
    cuts.formUnion(stride(from: 64, to: bytes.count, by: bytes.count / 150))
    cuts.formUnion((bytes.count - 64)..<bytes.count)
    cuts.formUnion(validCuts.filter { $0 < bytes.count })
    var failures = 0
    for cut in cuts.sorted() {
      do {
        _ = try ONNXImporter.decode(data.prefix(cut), file: path)
        // Only a cut between top-level fields leaves a well-formed message (e.g. without opset_import).
        XCTAssert(validCuts.contains(cut), "cut at \(cut) of \(bytes.count) bytes imported without error")
      } catch {
        failures += 1
        XCTAssert(error.description.hasPrefix(path + ":"), "cut at \(cut): \(error.description)")
        if case .malformed = error {} else if !validCuts.contains(cut) {
          XCTFail("cut at \(cut) inside a field should be malformed protobuf, got: \(error.description)")
        }
      }
    }
    XCTAssertGreaterThan(failures, 200)
    assertMessage(importError(Data(), file: path), contains: [path, "no graph"])
    assertMessage(importError(data.prefix(1000), file: path), contains: [path, "not a valid ONNX model"])
  }

  func testRandomBytesFailCleanly() {
    var rng = SeededGenerator(seed: 0xF1C4)
    for i in 0..<200 {
      let count = Int.random(in: 0...(i < 100 ? 64 : 2048), using: &rng)
      var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
      // Half start like a ModelProto with a graph field, so decoding goes further.
      if i % 2 == 1, bytes.count > 4 {
        bytes[0] = 0x3A  // field 7 (graph), length-delimited
        bytes[1] = UInt8(min(bytes.count - 2, 127))
      }
      let name = "random\(i).onnx"
      do {
        _ = try ONNXImporter.decode(Data(bytes), file: name)
        XCTFail("random array \(i) of \(count) bytes imported")
      } catch {
        XCTAssert(error.description.hasPrefix(name + ":"), "array \(i): \(error.description)")
      }
    }
  }

  /// Flips bytes of a small valid model covering many ops: each mutant imports
  /// (and then runs or fails with an InterpreterError) or fails with an ONNXError.
  func testMutatedModelsNeverCrash() throws {
    let bases = [fuzzBaseModel(), fuzzLayoutModel()].map { [UInt8](Proto.bytes($0)) }
    for base in bases { XCTAssertNoThrow(try ONNXImporter.decode(Data(base), file: "base.onnx")) }
    var rng = SeededGenerator(seed: fuzzSeed ?? 42)
    var imported = 0
    for i in 0..<(fuzzIterations ?? 1000) {
      var bytes = bases[i % bases.count]
      for _ in 0..<Int.random(in: 1...3, using: &rng) {
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
        case 1: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 2: bytes[at] = [0x00, 0x01, 0x7F, 0x80, 0xFF][Int.random(in: 0..<5, using: &rng)]
        default: bytes.remove(at: at)
        }
      }
      let name = "mutant\(i).onnx"
      let g: Graph
      do {
        g = try ONNXImporter.decode(Data(bytes), file: name)
      } catch {
        XCTAssert(error.description.hasPrefix(name + ":"), "mutant \(i): \(error.description)")
        continue
      }
      imported += 1
      runBounded(g)
    }
    XCTAssertGreaterThan(imported, 0, "some mutants (e.g. changed weights) should still import")
  }

  /// Structured mutations of a valid model (dimensions, attributes, parameter values, wiring,
  /// op types): each mutant imports and runs, or fails with an error naming the file.
  func testStructuredMutationsNeverCrash() throws {
    let bases = [fuzzBaseModel(), fuzzLayoutModel()]
    for base in bases {
      let g = try Proto.load(base)
      XCTAssertNoThrow(try Interpreter(graph: g).run(["x": Tensor(shape: g.types["x"]!.shape, floats: (0..<g.types["x"]!.shape.elementCount).map { Float($0 % 7) - 3 })]))
    }
    let dims: [Int64] = [0, 1, 2, 3, 4, 7, 8, 1 << 16, 1 << 31, -1, 1 << 40, .max]
    let ints: [Int64] = [0, 1, 2, 3, -1, -2, 5, 64, 1 << 20, 1 << 40, .min, .max]
    let floats: [Float] = [.nan, .infinity, -.infinity, 0, -1, 1e30, 1e-30, 0.5, 65, 2.5]
    let ops = [
      "Relu", "Add", "MatMul", "Gemm", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Reshape", "Flatten",
      "Transpose", "Softmax", "Concat", "Identity", "Clip", "ArgMax", "Squeeze", "Unsqueeze", "Pad", "TopK", "Gather",
      "Shape", "Cast", "BatchNormalization", "QuantizeLinear", "DequantizeLinear", "Sign", "Div", "Pow",
    ]
    var rng = SeededGenerator(seed: fuzzSeed ?? 7)
    var imported = 0
    for i in 0..<(fuzzIterations ?? 1500) {
      var m = bases[i % bases.count]
      for _ in 0..<Int.random(in: 1...2, using: &rng) {
        var g = m.graph
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:  // a dimension of an initializer
          let t = Int.random(in: 0..<g.initializer.count, using: &rng)
          if !g.initializer[t].dims.isEmpty {
            g.initializer[t].dims[Int.random(in: 0..<g.initializer[t].dims.count, using: &rng)] = dims.randomElement(using: &rng)!
          } else {
            g.initializer[t].dims = [dims.randomElement(using: &rng)!]
          }
        case 1:  // a dimension of the graph input
          let d = Int.random(in: 0..<4, using: &rng)
          g.input[0].type.tensorType.shape.dim[d].dimValue = dims.randomElement(using: &rng)!
        case 2:  // an integer attribute, or one element of a list attribute
          let n = Int.random(in: 0..<g.node.count, using: &rng)
          guard !g.node[n].attribute.isEmpty else { break }
          let a = Int.random(in: 0..<g.node[n].attribute.count, using: &rng)
          if g.node[n].attribute[a].type == .ints, !g.node[n].attribute[a].ints.isEmpty {
            let k = Int.random(in: 0..<g.node[n].attribute[a].ints.count, using: &rng)
            g.node[n].attribute[a].ints[k] = ints.randomElement(using: &rng)!
          } else {
            g.node[n].attribute[a].type = [.int, .float, .ints, .string, .undefined].randomElement(using: &rng)!
            g.node[n].attribute[a].i = ints.randomElement(using: &rng)!
          }
        case 3:  // a parameter value
          let t = Int.random(in: 0..<g.initializer.count, using: &rng)
          if !g.initializer[t].floatData.isEmpty {
            g.initializer[t].floatData[Int.random(in: 0..<g.initializer[t].floatData.count, using: &rng)] = floats.randomElement(using: &rng)!
          } else if !g.initializer[t].int64Data.isEmpty {
            g.initializer[t].int64Data[Int.random(in: 0..<g.initializer[t].int64Data.count, using: &rng)] = ints.randomElement(using: &rng)!
          }
        case 4:  // rewire an input to another value (may form cycles or mismatch shapes)
          let n = Int.random(in: 0..<g.node.count, using: &rng)
          let names = ["x", ""] + g.node.flatMap(\.output) + g.initializer.map(\.name)
          let k = Int.random(in: 0...g.node[n].input.count, using: &rng)
          if k == g.node[n].input.count { g.node[n].input.append(names.randomElement(using: &rng)!) } else { g.node[n].input[k] = names.randomElement(using: &rng)! }
        case 5:  // another op type (standard domain)
          let n = Int.random(in: 0..<g.node.count, using: &rng)
          g.node[n].opType = ops.randomElement(using: &rng)!
          g.node[n].domain = ""
        default:  // drop a node or an initializer
          if Bool.random(using: &rng) { g.node.remove(at: Int.random(in: 0..<g.node.count, using: &rng)) } else {
            g.initializer.remove(at: Int.random(in: 0..<g.initializer.count, using: &rng))
          }
        }
        m.graph = g
        if g.node.isEmpty || g.initializer.isEmpty { break }
      }
      let name = "structured\(i).onnx"
      let graph: Graph
      do {
        graph = try Proto.load(m, file: name)
      } catch {
        XCTAssert(error.description.hasPrefix(name + ":"), "mutant \(i): \(error.description)")
        continue
      }
      imported += 1
      runBounded(graph)
    }
    XCTAssertGreaterThan(imported, 50)
  }

  /// A model over many ops for mutation tests: x [1,1,4,4] -> Quant -> Conv -> MaxPool -> Reshape -> MatMul -> MultiThreshold.
  private func fuzzBaseModel() -> Onnx_ModelProto {
    Proto.model(
      nodes: [
        Proto.node("Quant", ["x", "s", "z", "b"], ["q"], name: "quant_in", domain: quantDomain, [Proto.attr("signed", int: 1)]),
        Proto.node("Conv", ["q", "cw"], ["c"], name: "conv", [Proto.attr("kernel_shape", ints: [2, 2]), Proto.attr("pads", ints: [1, 1, 0, 0])]),
        Proto.node("MaxPool", ["c"], ["p"], name: "pool", [Proto.attr("kernel_shape", ints: [2, 2]), Proto.attr("strides", ints: [2, 2])]),
        Proto.node("Reshape", ["p", "shape"], ["r"], name: "reshape"),
        Proto.node("MatMul", ["r", "W"], ["m"], name: "mm"),
        Proto.node(
          "MultiThreshold", ["m", "T"], ["y"], name: "mt", domain: "finn.custom_op.general",
          [Proto.attr("out_dtype", string: "UINT2"), Proto.attr("out_scale", float: 1)]),
      ],
      initializers: [
        Proto.floats("s", [], [0.5]), Proto.floats("z", [], [0]), Proto.floats("b", [], [3]),
        Proto.floats("cw", [2, 1, 2, 2], [1, -1, 0.5, 0, 1, 1, -1, 0]),
        Proto.int64s("shape", [2], [1, -1]),
        Proto.floats("W", [8, 3], (0..<24).map { Float($0 % 5) - 2 }),
        Proto.floats("T", [3, 3], [-1, 0, 1, -2, 0, 2, 0, 1, 2]),
      ],
      inputs: [Proto.value("x", [1, 1, 4, 4])], outputs: [Proto.value("y", [1, 3])])
  }

  /// A second model for mutation tests, over layout, normalization and selection ops (opset 13).
  private func fuzzLayoutModel() -> Onnx_ModelProto {
    Proto.model(
      nodes: [
        Proto.node("BatchNormalization", ["x", "bs", "bb", "bm", "bv"], ["bn"], name: "bn", [Proto.attr("epsilon", float: 1e-3)]),
        Proto.node("Trunc", ["bn", "ts", "tz", "tib", "tos", "tob"], ["tr"], name: "trunc", domain: quantDomain, [Proto.attr("rounding_mode", string: "FLOOR")]),
        Proto.node("AveragePool", ["tr"], ["ap"], name: "avg", [Proto.attr("kernel_shape", ints: [2, 2]), Proto.attr("strides", ints: [2, 2])]),
        Proto.node("Pad", ["ap", "pads"], ["pd"], name: "pad"),
        Proto.node("Transpose", ["pd"], ["tp"], name: "transpose", [Proto.attr("perm", ints: [0, 2, 3, 1])]),
        Proto.node("Flatten", ["tp"], ["fl"], name: "flatten", [Proto.attr("axis", int: 1)]),
        Proto.node("QuantizeLinear", ["fl", "qs", "qz"], ["ql"], name: "ql"),
        Proto.node("DequantizeLinear", ["ql", "qs", "qz"], ["dq"], name: "dql"),
        Proto.node("Gemm", ["dq", "gw", "gb"], ["gm"], name: "gemm", [Proto.attr("transB", int: 1), Proto.attr("alpha", float: 0.5)]),
        Proto.node("Concat", ["gm", "gm"], ["cc"], name: "concat", [Proto.attr("axis", int: 1)]),
        Proto.node("Softmax", ["cc"], ["sm"], name: "softmax", [Proto.attr("axis", int: -1)]),
        Proto.node("TopK", ["sm", "k"], ["tv", "ti"], name: "topk", [Proto.attr("axis", int: 1)]),
        Proto.node("Gather", ["cc", "gi"], ["ga"], name: "gather", [Proto.attr("axis", int: 1)]),
        Proto.node("Unsqueeze", ["ga", "ax"], ["us"], name: "unsqueeze"),
        Proto.node("Squeeze", ["us", "ax"], ["sq"], name: "squeeze"),
        Proto.node("ArgMax", ["sm"], ["am"], name: "argmax", [Proto.attr("axis", int: 1), Proto.attr("keepdims", int: 0)]),
      ],
      initializers: [
        Proto.floats("bs", [2], [1, 2]), Proto.floats("bb", [2], [0, -1]), Proto.floats("bm", [2], [0.5, 0]), Proto.floats("bv", [2], [1, 4]),
        Proto.floats("ts", [], [0.25]), Proto.floats("tz", [], [0]), Proto.floats("tib", [], [8]), Proto.floats("tos", [], [1]),
        Proto.floats("tob", [], [4]),
        Proto.int64s("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1]),
        Proto.floats("qs", [], [0.125]), Proto.ints("qz", [], .int8, [3]),
        Proto.floats("gw", [5, 32], (0..<160).map { Float($0 % 9) - 4 }), Proto.floats("gb", [5], [1, 0, -1, 2, 0.5]),
        Proto.int64s("k", [1], [3]), Proto.int64s("gi", [2], [0, -3]), Proto.int64s("ax", [1], [0]),
      ],
      inputs: [Proto.value("x", [1, 2, 4, 4])],
      outputs: [Proto.value("tv", [1, 3]), Proto.value("ti", [1, 3]), Proto.value("am", [1]), Proto.value("sq", [1, 2])])
  }

  /// Runs `graph` on a small made-up input when every value is small; any failure must be an InterpreterError.
  private func runBounded(_ graph: Graph) {
    guard graph.types.values.allSatisfy({ $0.shape.elementCount <= 1 << 16 }) else { return }
    var feed: [String: Tensor] = [:]
    for input in graph.inputs {
      guard let t = graph.types[input] else { return }
      feed[input] =
        t.elementType == .int64
        ? Tensor(shape: t.shape, int64s: (0..<t.shape.elementCount).map { Int64($0 % 3) })
        : Tensor(shape: t.shape, floats: (0..<t.shape.elementCount).map { Float($0 % 7) - 3 })
    }
    do {
      _ = try Interpreter(graph: graph).run(feed)
    } catch {
      XCTAssertFalse(error.description.isEmpty)
    }
  }

  func testMissingFileNamesPath() {
    let path = "/nonexistent/dir/model.onnx"
    do {
      _ = try ONNXImporter.load(path: path)
      XCTFail("loaded a missing file")
    } catch {
      guard case .io = error else { return XCTFail("expected an io error, got \(error)") }
      XCTAssert(error.description.contains(path), error.description)
    }
  }

  // MARK: Tensors

  func testExternalDataIsRefused() {
    var w = Proto.floats("W", [4, 3], [])
    w.dataLocation = .external
    var location = Onnx_StringStringEntryProto()
    location.key = "location"
    location.value = "weights.bin"
    w.externalData = [location]
    let error = importError(matMulModel(weights: w), file: "ext.onnx")
    assertMessage(error, contains: ["ext.onnx", "'W'", "external data"])
    guard case .invalidTensor = error else { return XCTFail("expected invalidTensor, got \(String(describing: error))") }
  }

  func testAbsurdInitializerDimensionsAreRefusedBeforeAllocating() {
    let huge = Proto.floats("W", [1 << 20, 1 << 20], [])
    assertMessage(importError(matMulModel(weights: huge), file: "huge.onnx"), contains: ["huge.onnx", "'W'", "[1048576,1048576]"])
    // The same with raw_data claiming the size: refused on the shape, not after reading.
    var rawHuge = Proto.raw("W", [1 << 20, 1 << 20], .float, [0, 0, 0, 0])
    rawHuge.dims = [1 << 20, 1 << 20]
    assertMessage(importError(matMulModel(weights: rawHuge), file: "huge.onnx"), contains: ["huge.onnx", "'W'", "more than"])
    let overflow = Proto.floats("W", [1 << 31, 1 << 31, 1 << 31, 1 << 31], [])
    assertMessage(importError(matMulModel(weights: overflow), file: "huge.onnx"), contains: ["huge.onnx", "'W'"])
    let negative = Proto.floats("W", [4, -3], [])
    assertMessage(importError(matMulModel(weights: negative), file: "neg.onnx"), contains: ["neg.onnx", "'W'", "dimensions"])
    let tooBig = Int64(1) << 40
    let model = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
      inputs: [Proto.value("x", [1, tooBig])], outputs: [Proto.value("y", [1, tooBig])])
    assertMessage(importError(model, file: "wide.onnx"), contains: ["wide.onnx", "'x'", "graph input", "\(tooBig)"])
    let manyDims = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
      inputs: [Proto.value("x", [1 << 16, 1 << 16, 4])], outputs: [Proto.value("y", [1 << 16, 1 << 16, 4])])
    assertMessage(importError(manyDims, file: "wide.onnx"), contains: ["wide.onnx", "'x'", "more than"])
  }

  /// Shapes that ops would compute beyond the element limit are refused at import, before any kernel allocates.
  func testComputedShapesTooLargeAreRefused() {
    let big = Int64(1) << 16
    func binary(_ op: String) -> Onnx_ModelProto {
      Proto.model(
        nodes: [Proto.node(op, ["a", "b"], ["y"], name: "outer")],
        inputs: [Proto.value("a", [big, 1]), Proto.value("b", [1, big])], outputs: [])
    }
    for op in ["Add", "Mul", "Gemm", "MatMul"] {
      assertMessage(importError(binary(op), file: "outer.onnx"), contains: ["outer.onnx", "'outer'", op, "more than"])
    }
    // Empty tensors may not hide absurd dimensions either (their products would overflow).
    let empty = Proto.model(
      nodes: [Proto.node("Flatten", ["x"], ["y"], name: "flat")],
      inputs: [Proto.value("x", [0, 1 << 31, 1 << 31, 1 << 31])], outputs: [])
    assertMessage(importError(empty, file: "empty.onnx"), contains: ["empty.onnx", "'x'", "more than"])
    let emptyWeights = Proto.model(
      nodes: [Proto.node("Conv", ["x", "w"], ["y"], name: "conv", [Proto.attr("group", int: 1 << 40)])],
      initializers: [Proto.floats("w", [0, 1 << 27, 1, 1], [])],
      inputs: [Proto.value("x", [1, 0, 4, 4])], outputs: [])
    assertMessage(importError(emptyWeights, file: "group.onnx"), contains: ["group.onnx", "'conv'", "group"])
    let xnor = Proto.model(
      nodes: [Proto.node("XnorPopcountMatMul", ["a", "b"], ["y"], name: "xnor", domain: "finn.custom_op.general")],
      inputs: [Proto.value("a", [big, 1]), Proto.value("b", [1, big])], outputs: [])
    assertMessage(importError(xnor, file: "xnor.onnx"), contains: ["xnor.onnx", "'xnor'", "more than"])
  }

  func testRawDataSizeMismatch() {
    let w = Proto.raw("W", [4, 3], .float, [UInt8](repeating: 0, count: 40))
    assertMessage(importError(matMulModel(weights: w), file: "raw.onnx"), contains: ["raw.onnx", "'W'", "raw_data has 40 bytes", "needs 48"])
    let few = Proto.floats("W", [4, 3], [1, 2, 3])
    assertMessage(importError(matMulModel(weights: few), file: "few.onnx"), contains: ["few.onnx", "'W'", "float_data has 3 values"])
    let packed = Proto.raw("W", [4, 3], .int4, [0, 0, 0])
    assertMessage(importError(matMulModel(weights: packed), file: "int4.onnx"), contains: ["int4.onnx", "'W'", "needs 6"])
  }

  func testUnsupportedElementTypeAndDuplicateInitializer() {
    var w = Proto.floats("W", [4, 3], [])
    w.dataType = 8  // STRING
    assertMessage(importError(matMulModel(weights: w), file: "str.onnx"), contains: ["str.onnx", "'W'", "element type 8"])
    var model = matMulModel()
    model.graph.initializer.append(Proto.floats("W", [4, 3], [Float](repeating: 0, count: 12)))
    assertMessage(importError(model, file: "dup.onnx"), contains: ["dup.onnx", "'W'", "defined twice"])
  }

  // MARK: Graph structure

  func testMissingInitializer() {
    let error = importError(matMulModel(weights: nil), file: "missing.onnx")
    assertMessage(error, contains: ["missing.onnx", "'mm'", "'W'"])
    guard case .invalidGraph(_, .undefinedValue(let node, let value)) = error else {
      return XCTFail("expected an undefined value, got \(String(describing: error))")
    }
    XCTAssertEqual(node, "mm")
    XCTAssertEqual(value, "W")
  }

  func testMatMulShapeMismatch() {
    let model = Proto.model(
      nodes: [Proto.node("MatMul", ["x", "W"], ["y"], name: "fc1")],
      initializers: [Proto.floats("W", [100, 64], [Float](repeating: 0.5, count: 6400))],
      inputs: [Proto.value("x", [1, 784])], outputs: [Proto.value("y", [1, 64])])
    assertMessage(importError(model, file: "mm.onnx"), contains: ["mm.onnx", "'fc1'", "MatMul", "[1,784]", "[100,64]"])
  }

  /// Found by the fuzzer: a convolution with zero output channels divided by zero.
  func testConvWithEmptyWeightsIsRefused() {
    var conv = Proto.node("Conv", ["x", "W"], ["y"], name: "conv0")
    conv.attribute.append(Proto.attr("kernel_shape", ints: [1, 1]))
    let model = Proto.model(
      nodes: [conv], initializers: [Proto.floats("W", [0, 3, 1, 1], [])], inputs: [Proto.value("x", [1, 3, 4, 4])], outputs: [])
    assertMessage(importError(model, file: "conv.onnx"), contains: ["conv.onnx", "'conv0'", "Conv", "[0,3,1,1]", "empty"])
  }

  func testDeclaredOutputShapeMismatch() {
    var model = matMulModel()
    model.graph.output = [Proto.value("y", [1, 5])]
    assertMessage(importError(model, file: "out.onnx"), contains: ["out.onnx", "'y'", "[1,3]"])
  }

  func testCycle() {
    let model = Proto.model(
      nodes: [
        Proto.node("Add", ["x", "b"], ["a"], name: "add"),
        Proto.node("Relu", ["a"], ["b"], name: "relu"),
      ],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("b", [1, 4])])
    let error = importError(model, file: "cycle.onnx")
    assertMessage(error, contains: ["cycle.onnx", "'add'", "'relu'", "cycle"])
    let selfLoop = Proto.model(
      nodes: [Proto.node("Relu", ["y"], ["y"], name: "loop")],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    assertMessage(importError(selfLoop, file: "loop.onnx"), contains: ["loop.onnx", "'loop'", "cycle"])
  }

  func testValuesDefinedTwiceAndNodesWithoutOutputsAreRefused() {
    for (redefined, by) in [("x", "a graph input"), ("W", "an initializer"), ("a", "node 'first'")] {
      var model = matMulModel()
      model.graph.node = [
        Proto.node("Relu", ["x"], ["a"], name: "first"),
        Proto.node("Relu", ["a"], [redefined], name: "second"),
      ] + model.graph.node
      assertMessage(
        importError(model, file: "twice.onnx"), contains: ["twice.onnx", "'second'", "outputs", "'\(redefined)'", "already defined by \(by)"])
    }
    for op in ["MaxPool", "AveragePool", "Relu"] {
      var model = matMulModel()
      model.graph.node.append(Proto.node(op, ["x"], [], name: "dangling", [Proto.attr("kernel_shape", ints: [1])]))
      assertMessage(importError(model, file: "none.onnx"), contains: ["none.onnx", "'dangling'", "no outputs"])
    }
  }

  /// Constant folding at import has a memory budget: a few hundred bytes of
  /// constant nodes that broadcast into each other cannot allocate gigabytes.
  func testConstantFoldingStaysWithinItsBudget() {
    func model(_ adds: Int) -> Onnx_ModelProto {
      var nodes = [Proto.node("Relu", ["x"], ["y"], name: "relu")]
      var last = "col"
      for i in 0..<adds {
        nodes.append(Proto.node("Add", [last, "row"], ["sum\(i)"], name: "add\(i)"))
        last = "sum\(i)"
      }
      return Proto.model(
        nodes: nodes,
        initializers: [
          Proto.floats("col", [4096, 1], [Float](repeating: 1, count: 4096)),
          Proto.floats("row", [1, 4096], [Float](repeating: 2, count: 4096)),
        ],
        inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    }
    XCTAssertNoThrow(try Proto.load(model(1)))
    assertMessage(importError(model(2), file: "fold.onnx"), contains: ["fold.onnx", "'add1'", "16777216 more elements", "allows 16384 more"])
  }

  // MARK: Ops and attributes

  func testUnsupportedOpsAreListedTogether() {
    let model = Proto.model(
      nodes: [
        Proto.node("LSTM", ["x"], ["h"], name: "lstm"),
        Proto.node("Relu", ["h"], ["r"], name: "relu"),
        Proto.node("Foo", ["r"], ["y"], name: "foo", domain: "com.example"),
      ],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    let error = importError(model, file: "ops.onnx")
    assertMessage(error, contains: ["ops.onnx", "2 nodes", "'lstm' (LSTM)", "'foo' (com.example.Foo)"])
    guard case .unsupportedOps(_, let nodes) = error else { return XCTFail("expected unsupportedOps, got \(String(describing: error))") }
    XCTAssertEqual(nodes.map(\.op), ["LSTM", "Foo"])
    // A known op type in an unknown domain is not taken for the standard one.
    let foreign = Proto.model(
      nodes: [Proto.node("Quant", ["x"], ["y"], name: "q", domain: "com.example")],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    assertMessage(importError(foreign, file: "foreign.onnx"), contains: ["foreign.onnx", "'q' (com.example.Quant)"])
  }

  func testAttributeOfWrongType() {
    let model = Proto.model(
      nodes: [Proto.node("Conv", ["x", "w"], ["y"], name: "conv0", [Proto.attr("group", float: 1)])],
      initializers: [Proto.floats("w", [2, 1, 3, 3], [Float](repeating: 1, count: 18))],
      inputs: [Proto.value("x", [1, 1, 5, 5])], outputs: [Proto.value("y", [1, 2, 3, 3])])
    let error = importError(model, file: "attr.onnx")
    assertMessage(error, contains: ["attr.onnx", "'conv0'", "Conv", "group", "integer"])
    guard case .invalidNode(_, let node, _, let field, _) = error else { return XCTFail("expected invalidNode, got \(String(describing: error))") }
    XCTAssertEqual(node, "conv0")
    XCTAssertEqual(field, "group")
    var stringKernel = model
    stringKernel.graph.node[0].attribute = [Proto.attr("kernel_shape", string: "3x3")]
    assertMessage(importError(stringKernel, file: "attr.onnx"), contains: ["'conv0'", "kernel_shape", "list of integers"])
    var badRounding = quantModel()
    badRounding.graph.node[0].attribute.append(Proto.attr("rounding_mode", string: "STOCHASTIC"))
    assertMessage(importError(badRounding, file: "attr.onnx"), contains: ["'quant_act'", "rounding_mode", "STOCHASTIC"])
  }

  func testReshapeToImpossibleShape() {
    func reshape(_ target: [Int64]) -> Onnx_ModelProto {
      Proto.model(
        nodes: [Proto.node("Reshape", ["x", "shape"], ["y"], name: "reshape0")],
        initializers: [Proto.int64s("shape", [target.count], target)],
        inputs: [Proto.value("x", [1, 784])], outputs: [])
    }
    for target: [Int64] in [[3, 5], [-1, 5], [-1, -1], [0, 0, 0], [-7, 112], [1 << 31, 1 << 31, 1 << 31, 4], [-1, 1 << 31, 1 << 31, 1 << 31]] {
      assertMessage(importError(reshape(target), file: "reshape.onnx"), contains: ["reshape.onnx", "'reshape0'", "Reshape"])
    }
    var dynamic = reshape([1, 784])
    dynamic.graph.initializer = []
    dynamic.graph.input.append(Proto.value("shape", [2], .int64))
    assertMessage(importError(dynamic, file: "reshape.onnx"), contains: ["'reshape0'", "constant"])
  }

  func testExtremeIntegerAttributesAreOutOfRange() {
    let flatten = Proto.model(
      nodes: [Proto.node("Flatten", ["x"], ["y"], name: "flat", [Proto.attr("axis", int: .min)])],
      inputs: [Proto.value("x", [1, 4])], outputs: [])
    assertMessage(importError(flatten, file: "min.onnx"), contains: ["min.onnx", "'flat'", "axis", "out of range"])
    let conv = Proto.model(
      nodes: [Proto.node("Conv", ["x", "w"], ["y"], name: "conv", [Proto.attr("pads", ints: [0, .min, 0, 0])])],
      initializers: [Proto.floats("w", [1, 1, 1, 1], [1])],
      inputs: [Proto.value("x", [1, 1, 4, 4])], outputs: [])
    assertMessage(importError(conv, file: "min.onnx"), contains: ["min.onnx", "'conv'", "pads", "out of range"])
    let unsqueeze = Proto.model(
      nodes: [Proto.node("Unsqueeze", ["x", "axes"], ["y"], name: "unsq")],
      initializers: [Proto.int64s("axes", [1], [.min])],
      inputs: [Proto.value("x", [1, 4])], outputs: [])
    assertMessage(importError(unsqueeze, file: "min.onnx"), contains: ["min.onnx", "'unsq'", "axes", "out of range"])
  }

  /// Axis-taking ops on a scalar (rank 0) have no axis to work on.
  func testAxisOpsOnScalarsAreRefused() {
    let cases: [(Onnx_NodeProto, [Onnx_TensorProto])] = [
      (Proto.node("Gather", ["x", "i"], ["y"], name: "op", [Proto.attr("axis", int: 0)]), [Proto.int64s("i", [1], [0])]),
      (Proto.node("ArgMax", ["x"], ["y"], name: "op", [Proto.attr("axis", int: 0)]), []),
      (Proto.node("Squeeze", ["x", "a"], ["y"], name: "op"), [Proto.int64s("a", [1], [0])]),
      (Proto.node("TopK", ["x", "k"], ["y", "yi"], name: "op", [Proto.attr("axis", int: 0)]), [Proto.int64s("k", [1], [1])]),
      (Proto.node("Concat", ["x", "x"], ["y"], name: "op", [Proto.attr("axis", int: 0)]), []),
      (Proto.node("Softmax", ["x"], ["y"], name: "op", [Proto.attr("axis", int: -1)]), []),
    ]
    for (node, initializers) in cases {
      let model = Proto.model(nodes: [node], initializers: initializers, inputs: [Proto.value("x", [])], outputs: [])
      assertMessage(importError(model, file: "scalar.onnx"), contains: ["scalar.onnx", "'op'", node.opType, "axis"])
    }
  }

  // MARK: Quantizer parameters

  func testQuantBitWidthOutOfRange() {
    for bits: Float in [0, 65, 2.5, -1, .nan, .infinity] {
      let error = importError(quantModel(bits: bits), file: "bits.onnx")
      assertMessage(error, contains: ["bits.onnx", "'quant_act'", "Quant", "bit width"])
    }
  }

  func testQuantNonFiniteParametersAreRefusedAtImport() {
    let cases: [(scale: [Float], zeroPoint: [Float], mentions: String)] = [
      ([.nan], [0], "scale"), ([.infinity], [0], "scale"), ([0], [0], "scale"),
      ([0.5, .nan, 1, 1], [0], "scale"), ([0.5], [.nan], "zero point"), ([0.5], [-.infinity], "zero point"),
    ]
    for c in cases {
      let error = importError(quantModel(scale: c.scale, zeroPoint: c.zeroPoint), file: "nan.onnx")
      assertMessage(error, contains: ["nan.onnx", "'quant_act'", "Quant", c.mentions])
    }
    let bipolar = Proto.model(
      nodes: [Proto.node("BipolarQuant", ["x", "s"], ["y"], name: "bq", domain: quantDomain)],
      initializers: [Proto.floats("s", [], [.nan])],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    assertMessage(importError(bipolar, file: "nan.onnx"), contains: ["nan.onnx", "'bq'", "BipolarQuant", "scale"])
    func trunc(scale: Float = 1, outScale: Float = 1, outBits: Float = 4) -> Onnx_ModelProto {
      Proto.model(
        nodes: [Proto.node("Trunc", ["x", "s", "z", "ib", "os", "ob"], ["y"], name: "tr", domain: quantDomain)],
        initializers: [
          Proto.floats("s", [], [scale]), Proto.floats("z", [], [0]), Proto.floats("ib", [], [8]),
          Proto.floats("os", [], [outScale]), Proto.floats("ob", [], [outBits]),
        ],
        inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    }
    XCTAssertNoThrow(try Proto.load(trunc()))
    // A negative scale ratio cannot be a power of two: running says so instead of crashing.
    let negative = try? Proto.load(trunc(outScale: -1))
    XCTAssertNotNil(negative)
    if let negative {
      XCTAssertThrowsError(try Interpreter(graph: negative).run(["x": Tensor(shape: [1, 4], floats: [1, 2, 3, 4])])) { error in
        guard case InterpreterError.nodeFailed(let node, "Trunc", let reason) = error else { return XCTFail("expected nodeFailed, got \(error)") }
        XCTAssertEqual(node, "tr")
        XCTAssert(reason.contains("output scale"), reason)
      }
    }
    assertMessage(importError(trunc(scale: .nan), file: "nan.onnx"), contains: ["'tr'", "Trunc", "scale"])
    assertMessage(importError(trunc(outScale: .infinity), file: "nan.onnx"), contains: ["'tr'", "Trunc", "output scale"])
    assertMessage(importError(trunc(outBits: 0), file: "nan.onnx"), contains: ["'tr'", "Trunc", "output bit width"])
    let ql = Proto.model(
      nodes: [Proto.node("QuantizeLinear", ["x", "s", "z"], ["y"], name: "ql")],
      initializers: [Proto.floats("s", [], [.nan]), Proto.ints("z", [], .int8, [0])],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    assertMessage(importError(ql, file: "nan.onnx"), contains: ["'ql'", "QuantizeLinear", "scale"])
    // A valid quantizer still imports and runs.
    let g = try? Proto.load(quantModel())
    XCTAssertNotNil(g)
    if let g {
      let y = try? Interpreter(graph: g).run(["x": Tensor(shape: [1, 4], floats: [0.3, -10, 1.25, 0.75])])["y"]
      XCTAssertEqual(y?.floats, [0.5, -4, 1, 1])
    }
  }

  // MARK: Interpreter feeds

  private func reluGraph() throws -> Graph {
    try Proto.load(
      Proto.model(
        nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
        inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])]))
  }

  func testRunBatchWithWrongShapeIsInputMismatch() throws {
    let interpreter = Interpreter(graph: try reluGraph())
    for shape: Shape in [[3, 5], [4], [1, 1, 4], [2, 2]] {
      XCTAssertThrowsError(try interpreter.runBatch(Tensor(shape: shape, floats: [Float](repeating: 1, count: shape.elementCount)))) { error in
        guard case InterpreterError.inputMismatch(let input, _, let got) = error else {
          return XCTFail("expected inputMismatch for \(shape), got \(error)")
        }
        XCTAssertEqual(input, "x")
        XCTAssertEqual(got, "\(shape)")
      }
    }
    XCTAssertThrowsError(try interpreter.run(["x": Tensor(shape: [1, 4], int64s: [1, 2, 3, 4])])) { error in
      guard case InterpreterError.inputMismatch = error else { return XCTFail("expected inputMismatch, got \(error)") }
    }
    XCTAssertThrowsError(try interpreter.run([:])) { error in
      guard case InterpreterError.missingInput("x") = error else { return XCTFail("expected missingInput, got \(error)") }
    }
  }

  func testRunBatchConvertsInt64Data() throws {
    let interpreter = Interpreter(graph: try reluGraph())
    let batch = Tensor(shape: [3, 4], int64s: [-2, -1, 0, 1, 2, 3, -4, 5, 6, -7, 8, 9])
    let out = try interpreter.runBatch(batch)["y"]
    XCTAssertEqual(out?.shape, [3, 4])
    XCTAssertEqual(out?.elementType, .float32)
    XCTAssertEqual(out?.floats, [0, 0, 0, 1, 2, 3, 0, 5, 6, 0, 8, 9])
    let single = try interpreter.runBatch(Tensor(shape: [1, 4], int64s: [-1, 2, -3, 4]))["y"]
    XCTAssertEqual(single?.floats, [0, 2, 0, 4])
  }
}
