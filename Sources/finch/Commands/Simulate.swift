import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR
import FinchONNX
import FinchRTL
import FinchReport
import Foundation

/// `finch simulate`: run a built accelerator in Verilator or Icarus and check it against the interpreter.
struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a `finch build` folder and compare every output with the interpreter.",
    discussion: """
      Inputs are raw model inputs: the host prologue runs in software exactly as in `finch run`. \
      Simulates the RTL in DIR/rtl exactly as `finch build` wrote it (refused if a file was edited or \
      is missing). Exit status 1 if any output mismatches.

      A dataflow build: the manifest gives the stream packing; reports frames checked, mismatches, \
      steady-state cycles per frame against the cycle model, the first frame's latency and the \
      simulation speed.

      An offload build (Docs/offload.md §13): every engine call runs on the engine Verilog in Verilator \
      with a DRAM model on its memory port (--dram-latency cycles, --dram-bandwidth in GB/s at the \
      build's clock, default the board's, --dram-stall chance per cycle that each handshake is held \
      low, --seed), CPU layers and host work in the interpreter; every model output is compared bit \
      for bit with the interpreter. Reports each call's simulated cycles against the cost model (at \
      the same bandwidth), engine cycles per frame and frames/s at the clock. Progress per frame (and \
      per call of long frames) goes to stderr.

      Examples:
        finch simulate build
        finch simulate build --frames 100 --stall 0.2 --json
        finch simulate offload-build --frames 4 --json
        finch simulate offload-build --dram-latency 40 --dram-bandwidth 1.0
        finch simulate offload-build --dram-stall 0.1 --seed 3
      """)

  @Argument(help: "A `finch build` output folder.")
  var folder: String

  @Option(help: "Model inputs (.npy; default: the folder's inputs.npy).")
  var input: String?

  @Option(help: "How many frames to simulate, 1...1000000 (default 8).")
  var frames: Int = 8

  @Option(help: "verilator or icarus (dataflow builds; offload builds run in Verilator).")
  var simulator: String = "verilator"

  @Option(help: "Probability (0...1) that a cycle drops s_tvalid or m_tready at the I/O (dataflow builds).")
  var stall: Double?

  @Option(help: "Offload builds: DRAM cycles from a read request to its first word and from a write burst to its done, 1...100000 (default 1).")
  var dramLatency: Int?

  @Option(help: "Offload builds: DRAM bandwidth in GB/s at the build's clock, read and write together (default: the board's).")
  var dramBandwidth: Double?

  @Option(help: "Offload builds: probability (0...1) that each DRAM handshake is held low in a cycle (default 0).")
  var dramStall: Double?

  @Option(help: "Offload builds: seed of the DRAM stalls (default 1).")
  var seed: UInt64?

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard Simulation.Simulator(rawValue: simulator) != nil else { throw ValidationError("--simulator must be verilator or icarus") }
    guard (1...1_000_000).contains(frames) else { throw ValidationError("--frames must be in 1...1000000, not \(frames)") }
    for (flag, value) in [("--stall", stall), ("--dram-stall", dramStall)] {
      if let value, !(value >= 0 && value < 1) { throw ValidationError("\(flag) must be in [0, 1)") }
    }
    if let dramLatency, !(1...100_000).contains(dramLatency) { throw ValidationError("--dram-latency must be in 1...100000, not \(dramLatency)") }
    if let dramBandwidth, !(dramBandwidth > 0 && dramBandwidth <= 10_000) {
      throw ValidationError("--dram-bandwidth must be a positive number of GB/s up to 10000")
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      let build = try BuildFolder(folder)
      let samples = try NPY.read(path: input ?? build.path(BuildFolder.inputs).path).firstSamples(frames)
      switch try build.architecture() {
      case .dataflow:
        let dramFlags = [("--dram-latency", dramLatency != nil), ("--dram-bandwidth", dramBandwidth != nil), ("--dram-stall", dramStall != nil),
                         ("--seed", seed != nil)].filter(\.1).map(\.0)
        if let flag = dramFlags.first { throw FlagMismatch("\(flag) configures an offload build's DRAM; \(folder) holds a dataflow build") }
        let report = try build.simulate(
          samples: samples, simulator: Simulation.Simulator(rawValue: simulator)!, stall: Int(((stall ?? 0) * 1024).rounded()))
        if json { try JSONReport.print(report) } else { print(TextReport.simulation(report)) }
        if report.mismatches > 0 { throw ExitCode.failure }
      case .offload:
        if stall != nil { throw FlagMismatch("--stall stalls a dataflow design's streams; for an offload build give --dram-stall") }
        if simulator != "verilator" { throw FlagMismatch("an offload build simulates in Verilator only, not \(simulator)") }
        let dram = VerilatorEngine.DRAM(latency: dramLatency ?? 1, stall: dramStall ?? 0, seed: seed ?? 1)
        let report = try build.simulateOffload(samples: samples, dram: dram, bandwidthGBps: dramBandwidth, progress: Finch.progress)
        if json { try JSONReport.print(report) } else { print(TextReport.offloadSimulation(report)) }
        if report.mismatches > 0 { throw ExitCode.failure }
      }
    }
  }

  /// A flag given for the other architecture than the folder holds: one `error:` line, exit 1.
  struct FlagMismatch: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }
}
