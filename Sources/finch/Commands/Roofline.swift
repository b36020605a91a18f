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
        print(Self.report(roofline))
        if let output { print("wrote \(output)") }
      }
    }
  }

  /// The roofs and the networks' points as aligned text.
  static func report(_ r: Roofline) -> String {
    var lines = ["\(r.board) (\(r.part)) at \(Devices.number(r.clockMHz)) MHz, \(Devices.number(r.bandwidthGBps)) GB/s"]
    var roofs = [["precision", "LUT MAC", "DSP MAC", "DSP MACs", "LUT MACs", "peak", "ridge ops/B"]]
    for roof in r.roofs {
      let dsp = roof.dspCost.map { "\(Devices.number($0.dsps)) DSP + \(Devices.number($0.luts)) LUT" } ?? "-"
      roofs.append([
        roof.precision.description, "\(Devices.number(roof.lutCost.luts)) LUT", dsp, String(roof.dspMACs),
        String(roof.lutMACs), RooflineChart.rate(roof.peakOpsPerSecond), String(format: "%.1f", roof.ridgeIntensity),
      ])
    }
    lines.append(Devices.align(roofs, leftColumns: 2))
    if !r.networks.isEmpty {
      var rows = [["network", "precision", "MACs", "peak", "weights", "bytes", "ops/B", "attainable", "bound"]]
      for n in r.networks {
        let precisions = n.network.precisions.map(\.precision.description).joined(separator: "+")
        for p in n.points {
          rows.append([
            n.network.name, precisions, String(n.network.macs), RooflineChart.rate(n.peakOpsPerSecond),
            p.memory == .weightsOnChip ? "on chip" : "off chip", String(format: "%.0f", p.bytes),
            String(format: "%.1f", p.intensity), RooflineChart.rate(p.attainableOpsPerSecond), p.bound.rawValue,
          ])
        }
      }
      lines.append("")
      lines.append(Devices.align(rows, leftColumns: 2))
    }
    return lines.joined(separator: "\n")
  }
}
