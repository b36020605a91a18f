import Foundation

/// One run of Finch's testbench around `finch_top`.
public struct Simulation: Sendable {
  /// Which simulator runs it.
  public enum Simulator: String, Sendable, CaseIterable {
    case verilator, icarus
  }

  /// What came out.
  public struct Result: Sendable {
    /// Output words, hex.
    public var words: [String]
    /// The cycle each output word appeared in (counted from reset release).
    public var cycles: [Int]
    /// Seconds spent compiling the design (0 when a cached build was reused).
    public var buildSeconds: Double
    /// Seconds spent simulating.
    public var runSeconds: Double
  }

  /// The folder holding the design's sources and memory files; the simulator
  /// runs there, and the testbench is written there.
  public var directory: URL
  /// The design's Verilog sources (relative to `directory`), `finch_top` among them; not the testbench.
  public var sources: [String]
  public var inputWidth: Int
  public var outputWidth: Int
  public var simulator: Simulator = .verilator
  /// Chance in 1024 that a cycle drops `s_tvalid` or `m_tready`.
  public var stall = 0
  public var seed = 1
  public var maxCycles = 50_000_000

  public init(directory: URL, sources: [String], inputWidth: Int, outputWidth: Int) {
    self.directory = directory
    self.sources = sources
    self.inputWidth = inputWidth
    self.outputWidth = outputWidth
  }

  /// Streams `input` words through the design until `outputCount` words came out.
  public func run(input: [String], outputCount: Int) throws(RTLError) -> Result {
    try Data((input.joined(separator: "\n") + "\n").utf8).writeOrThrow(to: directory.appendingPathComponent("input.hex"))
    try Data(try VerilogLibrary.testbenchSource().utf8).writeOrThrow(to: directory.appendingPathComponent(VerilogLibrary.testbench))
    let sources = sources + [VerilogLibrary.testbench]
    let plusargs = ["+n_in=\(input.count)", "+n_out=\(outputCount)", "+stall=\(stall)", "+seed=\(seed)", "+max_cycles=\(maxCycles)"]
    let buildSeconds: Double, runSeconds: Double
    switch simulator {
    case .verilator:
      try Command.require("verilator", package: "verilator")
      let objects = "obj_tb_\(inputWidth)_\(outputWidth)"
      let build = try Command.check(
        "verilator",
        ["--binary", "-j", "2", "-O2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", "finch_tb", "-GIN_W=\(inputWidth)",
         "-GOUT_W=\(outputWidth)", "--Mdir", objects, "-o", "finch_tb"] + sources,
        in: directory, logTo: directory.appendingPathComponent("verilator.log"))
      buildSeconds = build.seconds
      runSeconds = try Command.check("\(directory.path)/\(objects)/finch_tb", plusargs, in: directory).seconds
    case .icarus:
      try Command.require("iverilog", package: "iverilog")
      let build = try Command.check(
        "iverilog", ["-g2012", "-s", "finch_tb", "-P", "finch_tb.IN_W=\(inputWidth)", "-P", "finch_tb.OUT_W=\(outputWidth)", "-o", "finch_tb.vvp"]
          + sources, in: directory)
      buildSeconds = build.seconds
      runSeconds = try Command.check("vvp", ["-n", "finch_tb.vvp"] + plusargs, in: directory).seconds
    }
    let words = try lines("output.hex"), cycles = try lines("cycles.txt").compactMap { Int($0) }
    guard words.count >= outputCount else {
      throw .simulationIncomplete(expected: outputCount, got: words.count, cycles: cycles.last ?? 0)
    }
    return Result(words: words, cycles: cycles, buildSeconds: buildSeconds, runSeconds: runSeconds)
  }

  private func lines(_ name: String) throws(RTLError) -> [String] {
    guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
      throw .toolFailed(tool: simulator.rawValue, status: 0, log: "the testbench wrote no \(name)")
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }
}

extension Data {
  /// Writes the data, turning failures into ``RTLError``.
  func writeOrThrow(to url: URL) throws(RTLError) {
    do { try write(to: url, options: .atomic) } catch { throw .toolFailed(tool: "write", status: -1, log: "\(url.path): \(error)") }
  }
}
