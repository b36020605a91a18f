import FinchIR
import Foundation
import SwiftProtobuf

/// Writes a ``Graph`` as a QONNX model that qonnx, FINN and Netron open and that
/// ``ONNXImporter`` reads back into the same graph.
///
/// Standard ops are written at ONNX opset 17, so values Finch holds as attributes
/// (Squeeze/Unsqueeze axes, Pad pads and value, TopK's `K`) become constant inputs
/// named after their node. QONNX/FINN ops go in the `qonnx.custom_op.general`
/// domain, hardware layers in `finch`, and `opset_import` declares every domain
/// used. Datatypes that differ from what the storage implies (`UINT8` inputs,
/// `BIPOLAR` activations, `INT4` weights) are written as `finn_datatype`
/// quantization annotations; output order is deterministic, so equal graphs give
/// equal bytes. The producer is "finch" at ``FinchVersion/current``.
public enum ONNXExporter {
  /// The domain of QONNX/FINN custom ops.
  static let customDomain = "qonnx.custom_op.general"

  /// The serialized `ModelProto` of `graph`, which must verify.
  public static func encode(_ graph: Graph) throws(ONNXError) -> Data {
    try serialize(graph, file: graph.name)
  }

  /// Writes `graph` to `path` as ``OutputFile`` does: whole or not at all (a
  /// temporary file renamed over the target), through symbolic links, never
  /// over a folder, device or FIFO.
  public static func save(_ graph: Graph, path: String) throws(ONNXError) {
    let data = try serialize(graph, file: path)
    do { try OutputFile.write(data, to: path) } catch { throw .io(file: path, reason: error.description) }
  }

  static func serialize(_ graph: Graph, file: String) throws(ONNXError) -> Data {
    do { try graph.verify() } catch { throw .invalidGraph(file: file, error) }
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.producerName = "finch"
    model.producerVersion = FinchVersion.current
    // The model's own documentation and metadata; producer name and version say Finch wrote it.
    model.docString = graph.docString
    model.metadataProps = graph.metadata.sorted { $0.key < $1.key }.map { key, value in
      var entry = Onnx_StringStringEntryProto()
      (entry.key, entry.value) = (key, value)
      return entry
    }
    var writer = GraphWriter(graph: graph, file: file)
    model.graph = try writer.proto()
    model.opsetImport = opsets(of: model.graph)
    do { return try model.serializedBytes() } catch { throw .io(file: file, reason: "cannot serialize the model: \(error)") }
  }

  /// Opset 17 of the standard domain, then every other domain a node of `graph`
  /// uses, by name: a checker (onnx.checker) accepts a custom-domain op only
  /// when its domain is declared.
  static func opsets(of graph: Onnx_GraphProto) -> [Onnx_OperatorSetIdProto] {
    let versions = [customDomain: Int64(2), OpMapper.hardwareDomain: 1]
    let domains = [""] + Set(graph.node.map(\.domain)).subtracting([""]).sorted()
    return domains.map { domain in
      var opset = Onnx_OperatorSetIdProto()
      opset.domain = domain
      opset.version = domain.isEmpty ? 17 : versions[domain] ?? 1
      return opset
    }
  }
}

/// Builds the `GraphProto` of one verified graph.
private struct GraphWriter {
  let graph: Graph
  let file: String
  /// The graph with the constants added so far, so that each added name is fresh.
  var names: Graph
  /// Constants added for inputs Finch holds as attributes, in node order.
  var added: [Onnx_TensorProto] = []
  /// Outputs of `QuantizeLinear`, which ONNX types as integers.
  let quantized: Set<String>

  init(graph: Graph, file: String) {
    self.graph = graph
    self.file = file
    names = graph
    quantized = Set(graph.nodes.filter { if case .quantizeLinear = $0.op { true } else { false } }.flatMap(\.outputs))
  }

  mutating func proto() throws(ONNXError) -> Onnx_GraphProto {
    var proto = Onnx_GraphProto()
    proto.name = graph.name
    for node in graph.nodes { proto.node.append(try self.node(node)) }
    let constants = graph.initializers.sorted { $0.key < $1.key }
    proto.initializer = try constants.map { c throws(ONNXError) in try tensor(c.key, c.value) } + added
    proto.input = try graph.inputs.map { name throws(ONNXError) in try valueInfo(name) }
    proto.output = try graph.outputs.map { name throws(ONNXError) in try valueInfo(name) }
    let interior = graph.nodes.flatMap(\.outputs).filter { !$0.isEmpty && !graph.outputs.contains($0) }
    proto.valueInfo = try interior.map { name throws(ONNXError) in try valueInfo(name) }
    proto.quantizationAnnotation = try (graph.inputs + constants.map(\.key) + graph.nodes.flatMap(\.outputs)).map {
      name throws(ONNXError) in try annotation(name)
    }.compactMap { $0 }
    return proto
  }

  func type(_ name: String) throws(ONNXError) -> ValueType {
    guard let type = graph.type(of: name) else { throw .invalidGraph(file: file, .invalidGraph("value '\(name)' has no type")) }
    return type
  }

  /// The ONNX element type of a value: that of its storage, except that integer
  /// constants and `QuantizeLinear` outputs take the 8- to 32-bit integer type
  /// their datatype names, as ONNX's QDQ ops require.
  func element(_ name: String, _ type: ValueType) -> ONNXElement {
    let stored = ONNXElement(type.elementType)
    guard (type.elementType == .int64 && graph.initializers[name] != nil) || quantized.contains(name) else { return stored }
    return [ONNXElement.uint8, .int8, .uint16, .int16, .int32].first { $0.dataType == type.dataType } ?? stored
  }

  func tensor(_ name: String, _ value: Tensor) throws(ONNXError) -> Onnx_TensorProto {
    var proto = Onnx_TensorProto(name: name, tensor: value)
    let element = element(name, try type(name))
    if element.rawValue != proto.dataType {
      proto.dataType = element.rawValue
      proto.clearRawData()
      proto.int32Data = value.int64s.map { Int32(truncatingIfNeeded: $0) }
    }
    return proto
  }

  func valueInfo(_ name: String) throws(ONNXError) -> Onnx_ValueInfoProto {
    let type = try type(name)
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType.elemType = element(name, type).rawValue
    info.type.tensorType.shape.dim = type.shape.dims.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      dim.dimValue = Int64(d)
      return dim
    }
    return info
  }

  /// A `finn_datatype` annotation, when the value's datatype is not the one its storage implies.
  func annotation(_ name: String) throws(ONNXError) -> Onnx_TensorAnnotation? {
    guard !name.isEmpty else { return nil }
    let type = try type(name)
    guard type.dataType != type.elementType.impliedDataType else { return nil }
    var entry = Onnx_StringStringEntryProto()
    entry.key = "finn_datatype"
    entry.value = type.dataType.finnName
    var annotation = Onnx_TensorAnnotation()
    annotation.tensorName = name
    annotation.quantParameterTensorNames = [entry]
    return annotation
  }

  /// Adds a constant input named after `node`, fresh among all values.
  mutating func constant(_ node: Node, _ suffix: String, _ value: Tensor) -> String {
    let name = names.freshName("\(node.name)_\(suffix)")
    names.addConstant(name, value)
    added.append(Onnx_TensorProto(name: name, tensor: value))
    return name
  }

  /// The node in its opset-17 (or QONNX) form: the attributes of FinchIR's
  /// table (``Op/attributes``), except those opset 17 takes as inputs (Squeeze
  /// and Unsqueeze axes, Pad pads and value, TopK's `K`) or does not have
  /// (QuantizeLinear's out_dtype, given by its zero point; AveragePool
  /// dilations), and Cast's `to` as an ONNX element code.
  mutating func node(_ node: Node) throws(ONNXError) -> Onnx_NodeProto {
    var proto = Onnx_NodeProto()
    proto.name = node.name
    proto.docString = node.docString
    proto.opType = node.op.typeName
    if OpMapper.customOps.contains(proto.opType) { proto.domain = ONNXExporter.customDomain }
    if node.op.isHardwareLayer { proto.domain = OpMapper.hardwareDomain }
    proto.input = node.inputs
    proto.output = node.outputs
    let x = Array(node.inputs.prefix(1))
    func ints(_ v: [Int]) -> Tensor { Tensor(shape: [v.count], int64s: v.map { Int64($0) }) }
    var attributes = node.op.attributes
    switch node.op {
    case .quantizeLinear: attributes.removeAll { $0.name == "out_dtype" }
    case .averagePool(let p):
      guard p.dilations.allSatisfy({ $0 == 1 }) else {
        throw .invalidNode(
          file: file, node: node.name, op: proto.opType, field: "dilations", reason: "AveragePool dilations need opset 19; Finch writes opset 17")
      }
      attributes.removeAll { $0.name == "dilations" }
    case .squeeze(let axes), .unsqueeze(let axes):
      if !axes.isEmpty { proto.input = x + [constant(node, "axes", ints(axes))] }
      attributes = []
    case .upsample(let scales):
      proto.input = x + ["", constant(node, "scales", Tensor(shape: [scales.count], floats: scales.map(Float.init)))]
      attributes = [
        Attribute("mode", .string("nearest")), Attribute("coordinate_transformation_mode", .string("asymmetric")),
        Attribute("nearest_mode", .string("floor")),
      ]
    case .pad(let pads, let value):
      proto.input = x + [constant(node, "pads", ints(pads)), constant(node, "value", Tensor(scalar: value))]
      attributes = [Attribute("mode", .string("constant"))]
    case .cast(let to): attributes = [Attribute("to", .int(Int(ONNXElement(to).rawValue)))]
    case .topK(let t):
      proto.input = x + [constant(node, "K", ints([t.k]))]
      attributes.removeAll { $0.name == "k" }
    default: break
    }
    proto.attribute = attributes.map(Onnx_AttributeProto.init)
    return proto
  }
}

extension Onnx_AttributeProto {
  fileprivate init(_ attribute: Attribute) {
    self.init()
    name = attribute.name
    switch attribute.value {
    case .int(let v):
      type = .int
      i = Int64(v)
    case .float(let v):
      type = .float
      f = v
    case .ints(let v):
      type = .ints
      ints = v.map { Int64($0) }
    case .string(let v):
      type = .string
      s = Data(v.utf8)
    }
  }
}

extension ONNXElement {
  /// The element type of Finch's storage.
  fileprivate init(_ storage: ElementType) {
    self = storage == .float32 ? .float : .int64
  }
}
