import FinchIR

/// Why the interpreter could not run a graph on the given inputs.
public enum InterpreterError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A graph input is missing from the feed.
  case missingInput(String)
  /// A fed tensor does not have the graph input's shape or element type.
  case inputMismatch(input: String, expected: String, got: String)
  /// A fed value is not a value of the graph input's datatype (``ValueType/checkValues(of:input:in:)``).
  case invalidInput(IRError)
  /// A node cannot run on the values it receives.
  case nodeFailed(node: String, op: String, reason: String)
  /// The graph itself is invalid.
  case invalidGraph(IRError)

  public var description: String {
    switch self {
    case .missingInput(let name): return "no value fed for graph input '\(name)'"
    case .inputMismatch(let input, let expected, let got): return "input '\(input)' must be \(expected), got \(got)"
    case .nodeFailed(let node, let op, let reason): return "node '\(node)' (\(op)): \(reason)"
    case .invalidInput(let e), .invalidGraph(let e): return e.description
    }
  }
}
