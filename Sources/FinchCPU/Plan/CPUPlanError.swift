/// Why a graph could not be planned or run on the CPU.
public enum CPUPlanError: Error, Sendable, CustomStringConvertible {
  /// The graph is outside what the CPU backend handles at all.
  case unsupportedGraph(String)
  /// A batch that does not match the graph's input.
  case badInput(String)
  /// A node failed while running (only the interpreter fallback can fail).
  case nodeFailed(node: String, reason: String)

  public var description: String {
    switch self {
    case .unsupportedGraph(let why): return "the CPU backend cannot run this graph: \(why)"
    case .badInput(let why): return why
    case .nodeFailed(let node, let reason): return "node \(node): \(reason)"
    }
  }
}
