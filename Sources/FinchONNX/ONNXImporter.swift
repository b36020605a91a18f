import FinchIR
import FinchInterpreter
import Foundation
import SwiftProtobuf

/// Reads ONNX models (QONNX as Brevitas exports it, raw or cleaned; FINN's
/// dialect; standard ONNX with QuantizeLinear/DequantizeLinear) into a typed,
/// verified ``Graph``.
///
/// Import also folds what exporters leave behind: `Constant` nodes, `Shape` of
/// statically shaped values, and any non-quantizer node whose inputs are all
/// constant (e.g. `Shape -> Gather -> Unsqueeze -> Concat` chains feeding a
/// `Reshape`). Quantizers on constant weights are kept, so weight datatypes stay visible.
public enum ONNXImporter {
  /// The largest model file Finch reads (2 GiB, protobuf's own limit).
  public static let maxFileSize = 1 << 31

  /// Imports the model at `path`.
  public static func load(path: String) throws(ONNXError) -> Graph {
    let url = URL(fileURLWithPath: path)
    let size: Int
    do {
      size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    } catch {
      throw .io(file: path, reason: "cannot read: no such file or not accessible")
    }
    guard size <= maxFileSize else { throw .io(file: path, reason: "file is \(size) bytes, more than the 2 GiB ONNX allows") }
    let data: Data
    do { data = try Data(contentsOf: url) } catch { throw .io(file: path, reason: "cannot read: \(error.localizedDescription)") }
    return try decode(data, file: path)
  }

  /// Imports a model from its serialized bytes; `file` names it in errors.
  public static func decode(_ data: Data, file: String) throws(ONNXError) -> Graph {
    let model: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 64
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw .malformed(file: file, reason: "protobuf decoding failed (\(error))")
    }
    guard model.hasGraph, !model.graph.node.isEmpty || !model.graph.output.isEmpty else {
      throw .malformed(file: file, reason: "the model has no graph")
    }
    let opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) } ?? 13
    var builder = GraphBuilder(file: file, opset: opset)
    var graph = try builder.build(model.graph)
    graph.docString = model.docString.isEmpty ? model.graph.docString : model.docString
    graph.metadata = Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    return graph
  }
}

/// Turns one GraphProto into a Graph, node by node in topological order.
struct GraphBuilder {
  let file: String
  let opset: Int
  var graph = Graph(name: "", inputs: [], outputs: [], nodes: [], initializers: [:], types: [:])
  var usedNodeNames = Set<String>()
  var fresh = 0
  /// Elements that folding constants at import may still create. Exporters leave
  /// small shape computations and weight reshapes behind, so the budget is a fixed
  /// allowance plus twice the model's own initializers; a few hundred bytes of
  /// chained constant nodes cannot make import allocate gigabytes.
  var foldBudget = 0
  static let baseFoldBudget = 1 << 24

  init(file: String, opset: Int) {
    self.file = file
    self.opset = opset
  }

  mutating func build(_ proto: Onnx_GraphProto) throws(ONNXError) -> Graph {
    graph.name = proto.name.isEmpty ? "graph" : proto.name
    let annotations = Dictionary(
      proto.quantizationAnnotation.compactMap { a in
        a.quantParameterTensorNames.first { $0.key == "finn_datatype" }.flatMap { FinchIR.DataType(finnName: $0.value) }.map { (a.tensorName, $0) }
      }, uniquingKeysWith: { a, _ in a })
    for t in proto.initializer {
      guard graph.initializers[t.name] == nil else { throw .invalidTensor(file: file, tensor: t.name, reason: "defined twice") }
      let (tensor, dataType) = try t.finchTensor(file: file, name: t.name)
      graph.initializers[t.name] = tensor
      graph.types[t.name] = ValueType(shape: tensor.shape, elementType: tensor.elementType, dataType: annotations[t.name] ?? dataType)
    }
    for input in proto.input where graph.initializers[input.name] == nil {
      var type = try valueType(input, role: "graph input")
      if let dt = annotations[input.name] { type.dataType = dt }
      graph.inputs.append(input.name)
      graph.types[input.name] = type
    }
    graph.outputs = proto.output.map(\.name)
    let unsupported = proto.node.enumerated().filter { !OpMapper.isSupported(opType: $0.element.opType, domain: $0.element.domain) }
    if !unsupported.isEmpty {
      throw .unsupportedOps(
        file: file, nodes: unsupported.map { ($0.element.name.isEmpty ? "\($0.element.opType)_\($0.offset)" : $0.element.name, $0.element.domain, $0.element.opType) })
    }
    try checkSingleDefinitions(proto.node)
    foldBudget = Self.baseFoldBudget + 2 * graph.initializers.values.reduce(0) { $0 + $1.count }
    for node in try sorted(proto.node) { try add(node) }
    try checkDeclaredOutputs(proto.output)
    graph.removeDeadValues()
    do { try graph.verify() } catch { throw .invalidGraph(file: file, error) }
    return graph
  }

  /// The declared type of a graph input (element type and static shape; a symbolic
  /// leading batch dimension is taken as 1, since Finch runs one sample at a time).
  func valueType(_ info: Onnx_ValueInfoProto, role: String) throws(ONNXError) -> ValueType {
    func fail(_ reason: String) -> ONNXError { .invalidTensor(file: file, tensor: info.name, reason: "\(role): \(reason)") }
    guard info.type.tensorType.hasElemType, let element = ONNXElement(rawValue: info.type.tensorType.elemType),
      element == .float || element == .int64
    else { throw fail("element type \(info.type.tensorType.elemType) is not supported (float32 or int64 inputs only)") }
    guard info.type.tensorType.hasShape else { throw fail("has no declared shape") }
    var dims: [Int] = []
    for (i, d) in info.type.tensorType.shape.dim.enumerated() {
      switch d.value {
      case .dimValue(let v):
        guard v >= 0 else { throw fail("dimension \(i) is \(v)") }
        guard v <= Int64(Shape.maxElementCount) else {
          throw fail("dimension \(i) is \(v), more than the \(Shape.maxElementCount) elements Finch allows in one tensor")
        }
        dims.append(Int(v))
      case .dimParam(let p) where i == 0:
        _ = p
        dims.append(1)
      default: throw fail("dimension \(i) is not a fixed number")
      }
    }
    do {
      return ValueType(shape: try Shape.validated(dims), elementType: element.storage, dataType: element.dataType)
    } catch { throw fail(error.description) }
  }

  /// Every node defines a value, and every value has one definition: a node output
  /// may not reuse the name of a graph input, an initializer or another node's
  /// output (SSA, as ONNX requires).
  func checkSingleDefinitions(_ nodes: [Onnx_NodeProto]) throws(ONNXError) {
    var definedBy: [String: String] = [:]
    for name in graph.inputs { definedBy[name] = "a graph input" }
    for name in graph.initializers.keys { definedBy[name] = "an initializer" }
    for (i, n) in nodes.enumerated() {
      let nodeName = n.name.isEmpty ? "\(n.opType)_\(i)" : n.name
      guard n.output.contains(where: { !$0.isEmpty }) else {
        throw .invalidNode(file: file, node: nodeName, op: n.opType, field: "outputs", reason: "the node has no outputs")
      }
      for out in n.output where !out.isEmpty {
        if let previous = definedBy[out] {
          throw .invalidNode(
            file: file, node: nodeName, op: n.opType, field: "outputs",
            reason: "value '\(out)' is already defined by \(previous); every value must be defined once")
        }
        definedBy[out] = "node '\(nodeName)'"
      }
    }
  }

  /// Nodes in a topological order (ONNX requires one; this accepts any order).
  func sorted(_ nodes: [Onnx_NodeProto]) throws(ONNXError) -> [Onnx_NodeProto] {
    var defined = Set(graph.inputs).union(graph.initializers.keys)
    var pending = Array(nodes.enumerated())
    var result: [Onnx_NodeProto] = []
    while !pending.isEmpty {
      var rest: [(offset: Int, element: Onnx_NodeProto)] = []
      for entry in pending {
        if entry.element.input.allSatisfy({ $0.isEmpty || defined.contains($0) }) {
          result.append(entry.element)
          defined.formUnion(entry.element.output)
        } else {
          rest.append(entry)
        }
      }
      if rest.count == pending.count {
        let producible = Set(rest.flatMap { $0.element.output })
        for (i, n) in rest {
          if let missing = n.input.first(where: { !$0.isEmpty && !defined.contains($0) && !producible.contains($0) }) {
            throw .invalidGraph(file: file, .undefinedValue(node: n.name.isEmpty ? "\(n.opType)_\(i)" : n.name, value: missing))
          }
        }
        throw .invalidGraph(file: file, .cycle(nodes: rest.map { $0.element.name }))
      }
      pending = rest
    }
    return result
  }

  mutating func uniqueName(_ proto: Onnx_NodeProto) -> String {
    var name = proto.name.isEmpty ? "\(proto.opType)_\(graph.nodes.count)" : proto.name
    while !usedNodeNames.insert(name).inserted {
      fresh += 1
      name = "\(proto.name.isEmpty ? proto.opType : proto.name)_\(fresh)"
    }
    return name
  }

  /// Adds one node: maps it to a typed op, infers its output types, and folds it
  /// into constants when all its inputs are constant.
  mutating func add(_ proto: Onnx_NodeProto) throws(ONNXError) {
    let name = uniqueName(proto)
    let reader = AttributeReader(node: proto, nodeName: name, file: file)
    let mapped = try OpMapper(reader: reader, opset: opset, graph: graph).map()
    var node: Node
    switch mapped {
    case .constant(let tensor, let dataType):
      guard let out = proto.output.first else { return }
      graph.addConstant(out, tensor, dataType: dataType)
      return
    case .op(let op, let inputs, let extra):
      for (k, t) in extra { graph.addConstant(k, t) }
      node = Node(name: name, op: op, inputs: inputs, outputs: proto.output, docString: proto.docString)
    }
    let infos: [InputInfo?] = node.inputs.map { n in
      guard !n.isEmpty, let t = graph.type(of: n) else { return nil }
      return InputInfo(type: t, constant: graph.initializers[n])
    }
    let outTypes: [ValueType]
    do { outTypes = try node.op.outputTypes(node: name, inputs: infos) } catch { throw .invalidGraph(file: file, error) }
    guard node.outputs.count <= outTypes.count else {
      throw reader.fail("outputs", "has \(node.outputs.count) outputs; Finch supports \(outTypes.count)")
    }
    if case .shape = node.op {
      let s = outTypes.isEmpty ? [] : infos[0]?.type.shape.dims ?? []
      fold(node, into: [Tensor(shape: [s.count], int64s: s.map { Int64($0) })], types: outTypes)
      return
    }
    let inputsConstant = node.inputs.allSatisfy { $0.isEmpty || graph.initializers[$0] != nil }
    if inputsConstant && !node.op.isQuantizer && !node.inputs.isEmpty {
      let size = outTypes.reduce(0) { $0 + $1.shape.elementCount }
      guard size <= foldBudget else {
        throw reader.fail(
          "inputs",
          "folding this constant computation would create \(size) more elements; import allows \(foldBudget) more "
            + "(\(Self.baseFoldBudget) plus twice the model's initializers)")
      }
      foldBudget -= size
      let values: [Tensor]
      do {
        values = try Semantics.evaluate(node.op, node.inputs.map { $0.isEmpty ? nil : graph.initializers[$0] })
      } catch {
        throw reader.fail("inputs", error.reason)
      }
      fold(node, into: values, types: outTypes)
      return
    }
    for (out, t) in zip(node.outputs, outTypes) where !out.isEmpty { graph.types[out] = t }
    graph.nodes.append(node)
  }

  mutating func fold(_ node: Node, into values: [Tensor], types: [ValueType]) {
    for (i, out) in node.outputs.enumerated() where !out.isEmpty {
      graph.initializers[out] = values[i]
      graph.types[out] = types[i]
    }
  }

  /// Checks the declared shapes of graph outputs against the inferred ones.
  func checkDeclaredOutputs(_ outputs: [Onnx_ValueInfoProto]) throws(ONNXError) {
    for o in outputs {
      guard let inferred = graph.type(of: o.name) else {
        throw .invalidGraph(file: file, .invalidGraph("graph output '\(o.name)' is not computed by any node"))
      }
      guard o.type.tensorType.hasShape else { continue }
      let declared = o.type.tensorType.shape.dim.map { d -> Int? in if case .dimValue(let v) = d.value { return Int(v) } else { return nil } }
      let matches = declared.count == inferred.shape.rank && zip(declared, inferred.shape.dims).allSatisfy { $0 == nil || $0 == $1 }
      guard matches else {
        throw .invalidGraph(
          file: file,
          .invalidGraph("graph output '\(o.name)' is declared as \(declared.map { $0.map(String.init) ?? "?" }) but computes \(inferred.shape)"))
      }
    }
  }
}
