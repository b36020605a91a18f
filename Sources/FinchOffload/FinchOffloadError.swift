import FinchCost

/// Why an offload question cannot be answered: an engine configuration out of
/// range, a layer beyond the engine's limits, a graph or schedule the compiler
/// cannot take.
public enum FinchOffloadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// An engine parameter outside its range.
  case invalidConfiguration(field: String, value: Int, reason: String)
  /// A layer beyond one of the engine's limits: the limit's field, the layer's value and why.
  case exceedsEngine(layer: String, field: String, value: Int, reason: String)
  /// A layer the engine does not run at all (thresholding alone, label select, ...).
  case unsupportedLayer(layer: String, op: String, reason: String)
  /// Nodes between hardware layers that no hardware layer implements.
  case notLowered(nodes: [String])
  /// The layer list could not be computed.
  case layerFacts(FinchCostError)
  /// A schedule file or memory image that is malformed or inconsistent.
  case invalidSchedule(String)
  /// No engine size fits the budget.
  case noEngineFits(String)
  /// Running a schedule failed: a call the engine cannot execute, memory out of range, a host step that failed.
  case run(String)

  public var description: String {
    switch self {
    case .invalidConfiguration(let field, let value, let reason): return "engine configuration: \(field) = \(value): \(reason)"
    case .exceedsEngine(let layer, let field, let value, let reason): return "layer '\(layer)': \(field) \(value) \(reason)"
    case .unsupportedLayer(let layer, let op, let reason): return "layer '\(layer)' (\(op)): \(reason)"
    case .notLowered(let nodes): return "nodes not lowered to hardware layers: \(nodes.joined(separator: ", "))"
    case .layerFacts(let error): return error.description
    case .invalidSchedule(let reason): return "schedule: \(reason)"
    case .noEngineFits(let reason): return "no offload engine fits: \(reason)"
    case .run(let reason): return "offload run: \(reason)"
    }
  }
}
