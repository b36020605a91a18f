import ArgumentParser
import FinchCost
import FinchIR
import FinchONNX
import FinchReport
import Foundation

/// `finch roofline`: a board's roofline per precision, with networks placed under it.
struct RooflineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "roofline",
    abstract: "Chart a board's roofline (peak ops/s per precision, memory bandwidth) and place models on it.",
    discussion: """
      For each precision (1/1 XNOR-popcount, 2/2, 4/4, 8/8, 16/16 and float16) the peak is the number \
      of MAC units that fit the part (DSP-based MACs first, then LUT-only MACs in the LUTs left; costs per MAC as \
      documented in FinchCost's Roofline.swift) \
      times 2 ops times the clock. Each model is placed twice: weights on chip (only input and output \
      cross off-chip memory per frame) and weights off chip (weights streamed every frame too), at \
      min(peak, intensity × bandwidth). Prints a table, or one JSON object with --json; -o writes the \
      chart as SVG.
      """)

  @Option(help: "The board (see `finch devices`).")
  var board: String

  @Argument(help: "Models to place on the chart (.onnx).")
  var models: [String] = []

  @Option(name: .shortAndLong, help: "Write the chart as SVG to this file.")
  var output: String?

  @Option(help: "Fabric clock in MHz, 1...2000 (default: the board's).")
  var clock: Double?

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func validate() throws {
    let range = TargetLimits.clockMHz
    if let clock, !range.contains(clock) { throw ValidationError("--clock must be in \(range.lowerBound)...\(range.upperBound) MHz, not \(clock)") }
  }

  func run() throws {
    try Finch.reportingErrors {
      if let output { try OutputFile.check(output, inputs: models) }
      let catalogue = try DeviceCatalogue.bundled()
      let board = try catalogue.board(named: board)
      let networks = try models.map { path in
        RooflineNetwork(
          name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, graph: try ONNXImporter.load(path: path))
      }
      let roofline = try Roofline(board: board, part: try catalogue.part(of: board), clockMHz: clock, networks: networks)
      if let output { try OutputFile.write(Data(RooflineChart(roofline).svg.utf8), to: output, inputs: models) }
      if json {
        try JSONReport.print(roofline)
      } else {
        print(TextReport.roofline(roofline))
        if let output { print("wrote \(output)") }
      }
    }
  }
}
