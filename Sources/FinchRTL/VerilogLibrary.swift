import Foundation

/// The hand-written Verilog modules shipped with Finch (package resources).
public enum VerilogLibrary {
  /// The folder holding the `.v` files.
  public static var directory: URL? { Bundle.module.url(forResource: "verilog", withExtension: nil) }

  /// The library's Verilog source files by name (`finch_mvau.v`, ...), the
  /// testbench excluded (and the offload harness, which is C++).
  public static func sources() throws(RTLError) -> [String: String] {
    guard let dir = directory, let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
      throw .toolFailed(tool: "finch", status: -1, log: "the Verilog library is missing from the FinchRTL resource bundle")
    }
    var result: [String: String] = [:]
    for name in names where name.hasSuffix(".v") && name != testbench {
      result[name] = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }
    return result
  }

  /// Library modules that instantiate other library modules, with those.
  public static let submodules = [
    "finch_window_maxpool": ["finch_swu", "finch_maxpool"], "finch_global_acc_pool": ["finch_accumulator"],
    "finch_vvau": ["finch_accumulator"],
  ]

  /// The testbench file name.
  public static let testbench = "finch_tb.v"

  /// The testbench source.
  public static func testbenchSource() throws(RTLError) -> String { try resource(testbench) }

  /// The offload engine's Verilator harness (C++, a DRAM model on its memory port; see ``OffloadEngineBuild``).
  public static let offloadHarness = "finch_offload_tb.cpp"

  /// The text of the library file `name`.
  public static func resource(_ name: String) throws(RTLError) -> String {
    guard let dir = directory, let s = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else {
      throw .toolFailed(tool: "finch", status: -1, log: "\(name) is missing from the FinchRTL resource bundle")
    }
    return s
  }

  /// Writes the library modules `instances` use, `finch_top.v` for them and every memory file into
  /// `directory`; returns the design's source files. The testbench is not
  /// among them: ``Simulation`` writes it where it simulates.
  @discardableResult
  public static func writeDesign(_ instances: [ModuleInstance], to directory: URL) throws(RTLError) -> [String] {
    let memoryFiles = instances.reduce(into: [String: String]()) { $0.merge($1.memoryFiles) { first, _ in first } }
    let files = try writeModules(instances.map(\.module), memoryFiles: memoryFiles, to: directory)
    try Data(try Stitcher.top(instances).utf8).writeOrThrow(to: directory.appendingPathComponent("finch_top.v"))
    return files + ["finch_top.v"]
  }

  /// Writes the library modules `modules` (names such as `finch_fifo`, with
  /// the library modules they instantiate) and `memoryFiles` (file name to
  /// contents) into `directory`, creating it; returns the module files written.
  public static func writeModules(_ modules: [String], memoryFiles: [String: String], to directory: URL) throws(RTLError) -> [String] {
    do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
      throw .toolFailed(tool: "finch", status: -1, log: "cannot create \(directory.path): \(error)")
    }
    let used = Set(modules.flatMap { [$0] + (Self.submodules[$0] ?? []) })
    var files: [String] = []
    for (name, text) in try sources().sorted(by: { $0.key < $1.key }) where used.contains(String(name.dropLast(2))) {
      try Data(text.utf8).writeOrThrow(to: directory.appendingPathComponent(name))
      files.append(name)
    }
    for (name, text) in memoryFiles { try Data(text.utf8).writeOrThrow(to: directory.appendingPathComponent(name)) }
    return files
  }
}
