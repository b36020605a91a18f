import ArgumentParser
import FinchDriver
import FinchOffload

/// `--arch dataflow|offload|auto`.
extension ArchitectureRequest: ExpressibleByArgument {}

/// The architecture options `finch estimate` and `finch build` share.
struct ArchitectureOptions: ParsableArguments {
  @Option(
    help: "dataflow (one unit per layer), offload (one engine called per layer) or auto (dataflow when it fits and meets the target, else the faster that fits).")
  var arch: ArchitectureRequest = .dataflow

  @Option(help: "An offload engine configuration (JSON, as a build's engine.json) instead of one sized for the board (with --arch offload or auto).")
  var engine: String?

  func validate() throws {
    if engine != nil && arch == .dataflow { throw ValidationError("--engine configures the offload engine: give --arch offload or --arch auto") }
  }

  /// Checks these options with the target options: offload needs a board
  /// but no folding target, and pins no dataflow folding.
  func check(with target: FoldingOptions) throws {
    if arch == .offload {
      if target.folding != nil { throw ValidationError("--folding pins dataflow layers; it has no meaning with --arch offload") }
      if target.board == nil { throw ValidationError("give --board B (see `finch devices`)") }
    } else {
      try target.requireTarget()
    }
  }

  /// The engine `--engine` names, read and checked.
  func engineConfiguration() throws -> EngineConfiguration? {
    guard let engine else { return nil }
    return try EngineConfiguration.load(path: engine)
  }
}
