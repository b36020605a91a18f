/// Why a graph is not valid, or an op cannot be applied to its inputs.
public enum IRError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A node's inputs or attributes do not fit its op.
  case invalidNode(node: String, op: String, reason: String)
  /// A value is read but nothing defines it.
  case undefinedValue(node: String, value: String)
  /// A value is defined more than once.
  case redefinedValue(String)
  /// The nodes cannot be ordered (a cycle or a dependency on an undefined value).
  case cycle(nodes: [String])
  /// A graph-level problem (inputs, outputs, annotations).
  case invalidGraph(String)
  /// A value fed to a graph input is not a value of the input's declared datatype.
  case invalidInputValue(input: String, index: Int, value: Double, dataType: DataType)
  /// Printed IR that ``Graph/init(parsing:)`` cannot read, at a 1-based line and column.
  case syntax(line: Int, column: Int, reason: String)

  public var description: String {
    switch self {
    case .invalidNode(let node, let op, let reason): return "node '\(node)' (\(op)): \(reason)"
    case .undefinedValue(let node, let value): return "node '\(node)' reads '\(value)', which no input, initializer or node defines"
    case .redefinedValue(let v): return "value '\(v)' is defined more than once"
    case .cycle(let nodes): return "nodes \(nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", ")) form a cycle"
    case .invalidGraph(let reason): return reason
    case .invalidInputValue(let input, let index, let value, let dataType):
      return "input value \(value) at flat index \(index) is not a \(dataType) value, as the model's input \(input) requires"
    case .syntax(let line, let column, let reason): return "line \(line), column \(column): \(reason)"
    }
  }
}
