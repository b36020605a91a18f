import FinchIR
import Foundation
import SwiftProtobuf
import XCTest

@testable import FinchONNX

/// Small builders for ONNX protobuf messages, so tests can write models in Swift.
enum Proto {
  /// ONNX element type codes (TensorProto.DataType, plus INT4/UINT4 of IR 10).
  enum Element: Int32 {
    case float = 1, uint8 = 2, int8 = 3, int32 = 6, int64 = 7, double = 11, uint4 = 21, int4 = 22
  }

  /// A float tensor in `float_data`.
  static func floats(_ name: String, _ dims: [Int], _ values: [Float]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims.map { Int64($0) }
    t.dataType = Element.float.rawValue
    t.floatData = values
    return t
  }

  /// An int64 tensor in `int64_data`.
  static func int64s(_ name: String, _ dims: [Int], _ values: [Int64]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims.map { Int64($0) }
    t.dataType = Element.int64.rawValue
    t.int64Data = values
    return t
  }

  /// A small-integer tensor (int8, uint8, int32, ...) in `int32_data`, one value per entry.
  static func ints(_ name: String, _ dims: [Int], _ element: Element, _ values: [Int32]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims.map { Int64($0) }
    t.dataType = element.rawValue
    t.int32Data = values
    return t
  }

  /// A tensor whose values are in `raw_data`.
  static func raw(_ name: String, _ dims: [Int], _ element: Element, _ bytes: [UInt8]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims.map { Int64($0) }
    t.dataType = element.rawValue
    t.rawData = Data(bytes)
    return t
  }

  /// 4-bit values packed two to a byte, low nibble first (ONNX INT4/UINT4 `raw_data`).
  static func packedNibbles(_ values: [Int]) -> [UInt8] {
    stride(from: 0, to: values.count, by: 2).map { i in
      let lo = UInt8(truncatingIfNeeded: values[i]) & 0xF
      let hi = i + 1 < values.count ? UInt8(truncatingIfNeeded: values[i + 1]) & 0xF : 0
      return lo | (hi << 4)
    }
  }

  /// A tensor value description with a fixed shape (`nil` dims are symbolic).
  static func value(_ name: String, _ dims: [Int64?], _ element: Element = .float) -> Onnx_ValueInfoProto {
    var v = Onnx_ValueInfoProto()
    v.name = name
    var tt = Onnx_TypeProto.Tensor()
    tt.elemType = element.rawValue
    var shape = Onnx_TensorShapeProto()
    shape.dim = dims.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      if let d { dim.dimValue = d } else { dim.dimParam = "N" }
      return dim
    }
    tt.shape = shape
    v.type.tensorType = tt
    return v
  }

  /// An attribute; exactly one of the values should be given.
  static func attr(
    _ name: String, int: Int64? = nil, float: Float? = nil, ints: [Int64]? = nil, string: String? = nil, tensor: Onnx_TensorProto? = nil
  ) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    if let int { a.type = .int; a.i = int }
    if let float { a.type = .float; a.f = float }
    if let ints { a.type = .ints; a.ints = ints }
    if let string { a.type = .string; a.s = Data(string.utf8) }
    if let tensor { a.type = .tensor; a.t = tensor }
    return a
  }

  static func node(
    _ opType: String, _ inputs: [String], _ outputs: [String], name: String, domain: String = "", _ attrs: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = opType
    n.input = inputs
    n.output = outputs
    n.name = name
    if !domain.isEmpty { n.domain = domain }
    n.attribute = attrs
    return n
  }

  static func model(
    nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], inputs: [Onnx_ValueInfoProto],
    outputs: [Onnx_ValueInfoProto], opset: Int64 = 13, name: String = "test"
  ) -> Onnx_ModelProto {
    var g = Onnx_GraphProto()
    g.name = name
    g.node = nodes
    g.initializer = initializers
    g.input = inputs
    g.output = outputs
    var m = Onnx_ModelProto()
    m.irVersion = opset >= 21 ? 10 : 8
    m.producerName = "finch-tests"
    var std = Onnx_OperatorSetIdProto()
    std.domain = ""
    std.version = opset
    m.opsetImport = [std]
    m.graph = g
    return m
  }

  /// The model's bytes.
  static func bytes(_ model: Onnx_ModelProto) -> Data {
    // Serializing a message we built ourselves cannot fail.
    try! model.serializedData()
  }

  /// Imports `model` as if read from `file`.
  static func load(_ model: Onnx_ModelProto, file: String = "test.onnx") throws(ONNXError) -> Graph {
    try ONNXImporter.decode(bytes(model), file: file)
  }
}

/// Imports `model` expecting an error; fails the test when it imports.
func importError(
  _ model: Onnx_ModelProto, file: String = "bad.onnx", sourceFile: StaticString = #filePath, line: UInt = #line
) -> ONNXError? {
  importError(Proto.bytes(model), file: file, sourceFile: sourceFile, line: line)
}

/// Decodes `data` expecting an error; fails the test when it imports.
func importError(_ data: Data, file: String = "bad.onnx", sourceFile: StaticString = #filePath, line: UInt = #line) -> ONNXError? {
  do {
    let g = try ONNXImporter.decode(data, file: file)
    XCTFail("imported graph '\(g.name)' with \(g.nodes.count) nodes but expected an error", file: sourceFile, line: line)
    return nil
  } catch {
    return error
  }
}

/// Checks that `error` exists and its description contains every one of `parts`.
func assertMessage(
  _ error: ONNXError?, contains parts: [String], sourceFile: StaticString = #filePath, line: UInt = #line
) {
  guard let error else { return }
  let text = error.description
  for p in parts {
    XCTAssert(text.contains(p), "error message \"\(text)\" does not mention \"\(p)\"", file: sourceFile, line: line)
  }
}

/// A deterministic generator (SplitMix64) so fuzz-style tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
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

/// The test fixtures folder, found from this source file.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fixtures")
