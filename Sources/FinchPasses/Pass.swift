import FinchIR

/// One graph transformation.
///
/// A pass has no state across runs, touches only the graph it is given, is
/// deterministic, and returns whether it changed anything (MLIR's pass contract).
public protocol Pass: Sendable {
  /// Kebab-case name used by `--print-after` (e.g. `fold-constants`).
  var name: String { get }
  /// Transforms `graph` in place; returns false when nothing changed.
  func run(on graph: inout Graph) throws(PassError) -> Bool
}

/// Why a pass or pipeline failed.
public enum PassError: Error, Sendable, CustomStringConvertible {
  /// A pass could not transform a node it must handle.
  case failed(pass: String, node: String, reason: String)
  /// A pass left an invalid graph behind.
  case invalidResult(pass: String, IRError)
  /// A fixed-point group did not settle within its round limit.
  case noFixedPoint(passes: [String], rounds: Int)
  /// The graph still holds nodes no hardware layer implements.
  case notLowered(nodes: [(name: String, op: String, reason: String)])

  public var description: String {
    switch self {
    case .failed(let pass, let node, let reason): return "pass \(pass): node '\(node)': \(reason)"
    case .invalidResult(let pass, let error): return "pass \(pass) produced an invalid graph: \(error)"
    case .noFixedPoint(let passes, let rounds): return "passes \(passes.joined(separator: ", ")) did not settle in \(rounds) rounds"
    case .notLowered(let nodes):
      return "\(nodes.count) node\(nodes.count == 1 ? "" : "s") cannot run in hardware: "
        + nodes.map { "'\($0.name)' (\($0.op)): \($0.reason)" }.joined(separator: "; ")
    }
  }
}
