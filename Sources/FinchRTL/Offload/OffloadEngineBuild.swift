import FinchOffload
import Foundation

/// The offload engine's Verilog (`finch_offload_engine` and the library
/// modules it instantiates) compiled by Verilator with the DRAM-model harness
/// `finch_offload_tb.cpp` into one executable, for one engine configuration.
///
/// Builds are cached in a folder the caller gives: one subfolder per build,
/// named by the configuration and a hash of everything that goes into it (the
/// parameters, every library `.v` file, the harness, the Verilator flags), so
/// an edit to the Verilog rebuilds and an unchanged engine is never compiled
/// twice. A build is made in a temporary folder and renamed into place, so
/// concurrent builders and interrupted builds never leave a half-built one.
public struct OffloadEngineBuild: Sendable {
  /// The top module the harness instantiates.
  public static let top = "finch_offload_engine"
  /// The executable's file name inside its build folder.
  public static let executableName = "finch_offload_tb"

  public let engine: EngineConfiguration
  /// The harness executable.
  public let executable: URL
  /// Seconds Verilator took (0 when a cached build was used).
  public let buildSeconds: Double

  /// Builds, or finds in `cache`, the harness for `engine` from `sources`
  /// (Verilog text by file name; nil: the library's, ``VerilogLibrary/sources()``).
  public init(engine: EngineConfiguration, sources given: [String: String]? = nil, cache: URL) throws(RTLError) {
    try Command.require("verilator", package: "verilator")
    var sources = try VerilogLibrary.sources()
    if let given { sources = given }
    guard sources["\(Self.top).v"] != nil else {
      throw .toolFailed(tool: "finch", status: -1, log: "the engine's Verilog has no \(Self.top).v")
    }
    let harness = try VerilogLibrary.resource(VerilogLibrary.offloadHarness)
    let arguments = Self.verilatorArguments(engine, sources: sources.keys.sorted())
    var key = arguments.joined(separator: " ") + "\n" + harness
    for (name, text) in sources.sorted(by: { $0.key < $1.key }) { key += "\n// \(name)\n" + text }
    let p = engine
    let name = "offload-pe\(p.pe)-simd\(p.simd)-w\(p.weightBits)a\(p.activationBits)t\(p.thresholdBits)-\(WrittenDesign.contentHash(Data(key.utf8)))"
    let folder = cache.appendingPathComponent(name)
    let executable = folder.appendingPathComponent(Self.executableName)
    self.engine = engine
    self.executable = executable
    if FileManager.default.isExecutableFile(atPath: executable.path) {
      buildSeconds = 0
      return
    }
    buildSeconds = try Self.build(sources: sources, harness: harness, arguments: arguments, into: folder)
  }

  /// Verilator's arguments: C++ with the harness as main, the engine's parameters, the word width for the harness.
  static func verilatorArguments(_ engine: EngineConfiguration, sources: [String]) -> [String] {
    ["--cc", "--exe", "--build", "-j", "2", "-O2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top]
      + engine.verilogParameters.map { "-G\($0.name)=\($0.value)" }
      + ["-CFLAGS", "-DFINCH_WORD_BITS=\(engine.memoryWordBits)", "--Mdir", "obj", "-o", executableName] + sources + [VerilogLibrary.offloadHarness]
  }

  /// Compiles in a scratch folder beside `folder`, keeps the executable and its log, renames it into place; returns the seconds taken.
  private static func build(sources: [String: String], harness: String, arguments: [String], into folder: URL) throws(RTLError) -> Double {
    let fm = FileManager.default
    let scratch = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent)-\(UUID().uuidString)")
    do { try fm.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
      throw .toolFailed(tool: "finch", status: -1, log: "cannot create \(scratch.path): \(error)")
    }
    defer { try? fm.removeItem(at: scratch) }
    for (name, text) in sources { try Data(text.utf8).writeOrThrow(to: scratch.appendingPathComponent(name)) }
    try Data(harness.utf8).writeOrThrow(to: scratch.appendingPathComponent(VerilogLibrary.offloadHarness))
    let log = scratch.appendingPathComponent("verilator.log")
    let out = try Command.check("verilator", arguments, in: scratch, logTo: log)
    let kept = scratch.appendingPathComponent("kept")
    do {
      try fm.createDirectory(at: kept, withIntermediateDirectories: true)
      try fm.moveItem(at: scratch.appendingPathComponent("obj/\(executableName)"), to: kept.appendingPathComponent(executableName))
      try fm.moveItem(at: log, to: kept.appendingPathComponent("verilator.log"))
      try fm.moveItem(at: kept, to: folder)
    } catch {
      // Another build of the same key got there first: use it.
      guard fm.isExecutableFile(atPath: folder.appendingPathComponent(executableName).path) else {
        throw .toolFailed(tool: "finch", status: -1, log: "cannot move the built harness to \(folder.path): \(error)")
      }
    }
    return out.seconds
  }
}
