import FinchIR
import Foundation

/// Reads a node's attributes by name, with defaults, and names the node and
/// field in every error. ``Op/init(typeName:attributes:)`` reads through it;
/// `overrides` stand in for attributes that this opset passes as inputs or
/// spells differently (Squeeze axes, Pad pads, Cast's element code).
struct AttributeReader: AttributeSource {
  let node: Onnx_NodeProto
  let nodeName: String
  let file: String
  private let byName: [String: Onnx_AttributeProto]
  /// Values that replace (or supply) attributes, by name.
  var overrides: [String: AttributeValue] = [:]

  init(node: Onnx_NodeProto, nodeName: String, file: String) {
    self.node = node
    self.nodeName = nodeName
    self.file = file
    var map: [String: Onnx_AttributeProto] = [:]
    for a in node.attribute where map[a.name] == nil { map[a.name] = a }
    byName = map
  }

  func fail(_ field: String, _ reason: String) -> ONNXError {
    .invalidNode(file: file, node: nodeName, op: node.opType, field: field, reason: reason)
  }

  func has(_ name: String) -> Bool { overrides[name] != nil || byName[name] != nil }

  /// The same reader with `values` standing in for those attributes.
  func overriding(_ values: [String: AttributeValue]) -> AttributeReader {
    var r = self
    r.overrides.merge(values) { $1 }
    return r
  }

  func int(_ name: String, _ fallback: Int? = nil) throws(ONNXError) -> Int {
    if case .int(let v) = overrides[name] { return v }
    guard let a = byName[name] else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard a.type == .int || (a.type == .undefined && a.hasI) else { throw fail(name, "must be an integer") }
    guard let v = Int(exactly: a.i), Attribute.integerRange.contains(v) else { throw fail(name, "value \(a.i) is out of range") }
    return v
  }

  func float(_ name: String, _ fallback: Float? = nil) throws(ONNXError) -> Float {
    if case .float(let v) = overrides[name] { return v }
    guard let a = byName[name] else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard a.type == .float || (a.type == .undefined && a.hasF) else { throw fail(name, "must be a float") }
    guard !a.f.isNaN else { throw fail(name, "is NaN") }
    return a.f
  }

  func ints(_ name: String, _ fallback: [Int]? = nil) throws(ONNXError) -> [Int] {
    if case .ints(let v) = overrides[name] { return v }
    guard let a = byName[name] else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard a.type == .ints || a.type == .undefined else { throw fail(name, "must be a list of integers") }
    guard a.ints.count <= Attribute.maxListCount, a.ints.allSatisfy({ Attribute.integerRange.contains(Int($0)) }) else { throw fail(name, "values \(a.ints.prefix(8)) are out of range") }
    return a.ints.map { Int($0) }
  }

  func string(_ name: String, _ fallback: String? = nil) throws(ONNXError) -> String {
    if case .string(let v) = overrides[name] { return v }
    guard let a = byName[name] else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard a.type == .string || a.type == .undefined, let s = String(data: a.s, encoding: .utf8) else {
      throw fail(name, "must be a UTF-8 string")
    }
    return s
  }

  func tensor(_ name: String) throws(ONNXError) -> (Tensor, FinchIR.DataType)? {
    guard let a = byName[name] else { return nil }
    guard a.type == .tensor || a.hasT else { throw fail(name, "must be a tensor") }
    return try a.t.finchTensor(file: file, name: "\(nodeName).\(name)")
  }
}
