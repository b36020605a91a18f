import FinchOffload
import FinchRTL
import Foundation

extension BuildFolder {
  /// The architecture choice as the build wrote it (`architecture.json`).
  public func architectureReport() throws -> ArchitectureChoice.Report {
    try JSONDecoder().decode(ArchitectureChoice.Report.self, from: Data(contentsOf: path(Self.architecture)))
  }

  /// The architecture the build holds, for commands that dispatch on it; a
  /// build without `architecture.json` (written before Finch had offload) is dataflow.
  public func architecture() throws -> Architecture {
    guard FileManager.default.fileExists(atPath: path(Self.architecture).path) else { return .dataflow }
    return try architectureReport().chosen
  }

  /// Fails unless the build holds `architecture`, naming `command` (`simulate`, `synth`).
  func require(_ architecture: Architecture, for command: String) throws {
    let holds = try self.architecture()
    guard holds == architecture else { throw ArchitectureError.wrongArchitecture(folder: url.path, holds: holds, command: command) }
  }

  /// The offload engine (`engine.json`), checked as `--engine` checks a file.
  public func engine() throws(ArchitectureError) -> EngineConfiguration { try EngineConfiguration.load(path: path(Self.engine).path) }

  /// The offload schedule (`schedule.json`).
  public func schedule() throws -> Schedule { try Schedule.load(json: Data(contentsOf: path(Self.schedule))) }

  /// The memory image (`memory.bin`), checked against the schedule's size.
  public func memoryImage() throws -> MemoryImage { try MemoryImage(contentsOf: path(Self.memoryImage), schedule: try schedule()) }

  /// The engine's Verilog in `rtl/`, checked unedited and complete.
  public func writtenEngineDesign() throws(RTLError) -> WrittenEngineDesign { try WrittenEngineDesign(directory: path(Self.rtl)) }

  /// The offload design's report (`offload_estimate.json`).
  public func offloadEstimate() throws -> OffloadDesign.Report {
    try JSONDecoder().decode(OffloadDesign.Report.self, from: Data(contentsOf: path(Self.offloadEstimate)))
  }
}
