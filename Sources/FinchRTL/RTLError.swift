import FinchCost

/// Why RTL could not be generated, simulated or synthesized.
public enum RTLError: Error, Sendable, CustomStringConvertible {
  /// Data does not fit a stream format.
  case invalidStream(String)
  /// A layer or folding the RTL library cannot implement.
  case unsupported(layer: String, reason: String)
  /// The layer list or folding the design is made from is invalid.
  case layer(FinchCostError)
  /// A tool is not installed.
  case missingTool(String, install: String)
  /// A tool ran and failed.
  case toolFailed(tool: String, status: Int32, log: String)
  /// A written design is missing a file or was edited since it was written.
  case changedDesign(path: String, reason: String)
  /// Simulation finished without producing every output word.
  case simulationIncomplete(expected: Int, got: Int, cycles: Int)

  public var description: String {
    switch self {
    case .invalidStream(let reason): return "stream: \(reason)"
    case .changedDesign(let path, let reason):
      return "\(path): \(reason); run `finch build` again to write the design afresh (Finch simulates and synthesizes only what it wrote)"
    case .unsupported(let layer, let reason): return "layer '\(layer)': \(reason)"
    case .layer(let error): return error.description
    case .missingTool(let tool, let install): return "\(tool) is not installed; install it with: \(install)"
    case .toolFailed(let tool, let status, let log):
      return "\(tool) failed (exit \(status)): " + log.split(separator: "\n").suffix(6).joined(separator: " | ")
    case .simulationIncomplete(let expected, let got, let cycles):
      return "simulation stopped after \(cycles) cycles with \(got) of \(expected) output words (deadlock or lost data)"
    }
  }
}
