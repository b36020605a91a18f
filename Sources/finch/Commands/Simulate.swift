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
      is missing); its manifest gives the stream packing. \
      Reports frames checked, mismatches, steady-state cycles per frame against the cycle model, \
      the first frame's latency and the simulation speed. Exit status 1 if any output mismatches.
      """)

  @Argument(help: "A `finch build` output folder.")
  var folder: String

  @Option(help: "Model inputs (.npy; default: the folder's inputs.npy).")
  var input: String?

  @Option(help: "How many frames to simulate, 1...1000000 (default 8).")
  var frames: Int = 8

  @Option(help: "verilator or icarus.")
  var simulator: String = "verilator"

  @Option(help: "Probability (0...1) that a cycle drops s_tvalid or m_tready at the I/O.")
  var stall: Double = 0

  @Flag(help: "Print one JSON object.")
  var json = false

  func validate() throws {
    guard Simulation.Simulator(rawValue: simulator) != nil else { throw ValidationError("--simulator must be verilator or icarus") }
    guard (1...1_000_000).contains(frames) else { throw ValidationError("--frames must be in 1...1000000, not \(frames)") }
    guard stall >= 0 && stall < 1 else { throw ValidationError("--stall must be in [0, 1)") }
  }

  func run() throws {
    try Finch.reportingErrors {
      let build = try BuildFolder(folder)
      let samples = try NPY.read(path: input ?? build.path(BuildFolder.inputs).path)
      let report = try build.simulate(
        samples: samples.firstSamples(frames), simulator: Simulation.Simulator(rawValue: simulator)!, stall: Int((stall * 1024).rounded()))
      if json { try JSONReport.print(report) } else { print(TextReport.simulation(report)) }
      if report.mismatches > 0 { throw ExitCode.failure }
    }
  }
}
