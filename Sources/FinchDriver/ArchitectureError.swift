import FinchOffload

/// Why an architecture cannot be estimated or built.
public enum ArchitectureError: Error, Sendable, Equatable, CustomStringConvertible {
  /// An engine configuration file (`--engine`) that cannot be used.
  case engineFile(path: String, reason: String)
  /// The engine runs none of the network's hardware layers: every one would go to the CPU.
  case engineRunsNoLayer(engine: String, cpuLayers: [CPULayer])
  /// Offload needs a board's memory bandwidth; a bare part has none.
  case offloadNeedsBoard(part: String, boards: [String])
  /// Neither architecture gives a design for the device.
  case neitherFits(dataflow: String, offload: String)
  /// A command that needs a build of one architecture got a build of the other.
  case wrongArchitecture(folder: String, holds: Architecture, command: String)

  public var description: String {
    switch self {
    case .engineFile(let path, let reason): return "engine file \(path): \(reason)"
    case .engineRunsNoLayer(let engine, let layers):
      let shown = layers.prefix(4).map { "'\($0.name)' (\($0.op)): \($0.reason)" }
      return "the offload engine (\(engine)) runs none of the network's \(layers.count) hardware layers: "
        + shown.joined(separator: "; ") + (layers.count > shown.count ? "; and \(layers.count - shown.count) more" : "")
    case .offloadNeedsBoard(let part, let boards):
      return "offload needs a board's memory bandwidth; '\(part)' is a part"
        + (boards.isEmpty ? " on no board in the catalogue" : ": name its board (\(boards.joined(separator: ", ")))")
    case .neitherFits(let dataflow, let offload): return "neither architecture fits: dataflow: \(dataflow); offload: \(offload)"
    case .wrongArchitecture(let folder, let holds, let command):
      return "\(folder) holds a build for the \(holds.rawValue) architecture; this \(command) takes the other one"
    }
  }
}
