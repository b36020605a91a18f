import FinchIR

/// Why an ONNX file could not be imported or exported.
public enum ONNXError: Error, Sendable, CustomStringConvertible {
  /// The file could not be read or written.
  case io(file: String, reason: String)
  /// The bytes are not a valid ONNX model.
  case malformed(file: String, reason: String)
  /// Nodes whose op Finch does not know: every one of them, as (node, domain, op type).
  case unsupportedOps(file: String, nodes: [(node: String, domain: String, op: String)])
  /// A node's attribute or input is unusable.
  case invalidNode(file: String, node: String, op: String, field: String, reason: String)
  /// A tensor (initializer or attribute) is unusable.
  case invalidTensor(file: String, tensor: String, reason: String)
  /// The graph is inconsistent (undefined values, shapes that do not fit, cycles).
  case invalidGraph(file: String, IRError)

  public var description: String {
    switch self {
    case .io(let file, let reason): return "\(file): \(reason)"
    case .malformed(let file, let reason): return "\(file): not a valid ONNX model: \(reason)"
    case .unsupportedOps(let file, let nodes):
      let list = nodes.map { "'\($0.node)' (\($0.domain.isEmpty ? "" : $0.domain + ".")\($0.op))" }
      return "\(file): \(nodes.count) node\(nodes.count == 1 ? " has an op" : "s have ops") Finch does not support: "
        + list.joined(separator: ", ")
    case .invalidNode(let file, let node, let op, let field, let reason):
      return "\(file): node '\(node)' (\(op)): \(field): \(reason)"
    case .invalidTensor(let file, let tensor, let reason): return "\(file): tensor '\(tensor)': \(reason)"
    case .invalidGraph(let file, let error): return "\(file): \(error.description)"
    }
  }
}
