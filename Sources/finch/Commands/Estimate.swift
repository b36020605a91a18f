import ArgumentParser
import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import FinchReport
import Foundation

/// `finch estimate`: fold a model for a target and predict cycles and resources.
struct Estimate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Choose PE/SIMD per layer for a target and estimate cycles, frames/s and resources on a board.",
    discussion: """
      MODEL is a QONNX file (compiled first, as by `finch compile`) or a `finch compile` folder. \
      --fps asks for the least resources reaching that many frames/s; --budget for the most frames/s \
      within that fraction of every resource of the part. A --folding file \
      ({"layers": [{"name": ..., "pe": ..., "simd": ...}]}) pins layers; the solver completes the rest \
      (with neither --fps nor --budget, it balances them to the slowest pinned layer).
      """)

  @Argument(help: "A .onnx model or a `finch compile` output folder.")
  var model: String

  @OptionGroup var target: FoldingOptions

  @Option(help: "Write the chosen folding to this file.")
  var writeFolding: String?

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  func run() throws {
    try Finch.reportingErrors {
      let inputs = [model] + (target.folding.map { [$0] } ?? [])
      if let writeFolding { try OutputFile.check(writeFolding, what: "--write-folding file", inputs: inputs) }
      let graph = try CompiledModel.load(model, inputType: target.inputType)
      let layers = try HardwareLayer.layers(of: graph)
      let choice = try target.choose(layers)
      let estimate = choice.estimate
      if let writeFolding {
        try OutputFile.write(try JSONReport.encode(choice.folding.config), to: writeFolding, what: "--write-folding file", inputs: inputs)
      }
      if json {
        try JSONReport.print(estimate)
      } else {
        print(Self.table(estimate, fastestFPS: choice.fastestFPS, requested: target.fps))
      }
    }
  }

  /// The per-layer table, totals against the part, and the verdict.
  static func table(_ e: FinchCost.Estimate, fastestFPS: Double, requested: Double?) -> String {
    func cell(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    let nameWidth = max(5, e.layers.map(\.name.count).max() ?? 0)
    var lines = ["layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  op                 PE  SIMD    cycles     LUT      FF   DSP  BRAM18  URAM   EBR"]
    for l in e.layers {
      lines.append(
        l.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + l.op.padding(toLength: 16, withPad: " ", startingAt: 0)
          + cell("\(l.pe)", 5) + cell("\(l.simd)", 6) + cell("\(l.cycles)", 10) + cell("\(l.lut)", 8) + cell("\(l.ff)", 8)
          + cell("\(l.dsp)", 6) + cell("\(l.bram18)", 8) + cell("\(l.uram)", 6) + cell("\(l.ebr)", 6))
    }
    func share(_ used: Int, _ total: Int) -> String {
      total == 0 ? "\(used)/0" : "\(used)/\(total) (\(String(format: "%.1f", 100 * Double(used) / Double(total)))%)"
    }
    let t = e.totals, c = e.capacity
    lines.append("total on \(e.board) (\(e.part)): LUT \(share(t.lut, c.lut)), FF \(share(t.ff, c.ff)), DSP \(share(t.dsp, c.dsp)), "
      + (e.family == .ice40 ? "EBR \(share(t.ebr, c.ebr))" : "BRAM18 \(share(t.bram18, c.bram18)), URAM \(share(t.uram, c.uram))"))
    lines.append(String(format: "%.1f frames/s at %.0f MHz; latency %d cycles (%.1f us); bottleneck %@", e.fps, e.clockMHz, e.latencyCycles,
                        Double(e.latencyCycles) / e.clockMHz, e.bottleneck))
    if let requested {
      lines.append(e.targetMet ? String(format: "target %.1f frames/s: met", requested)
        : String(format: "target %.1f frames/s: NOT met (the fastest folding reaches %.1f frames/s%@)", requested, fastestFPS,
                 e.totals.fits(c) ? "" : "; the design does not fit the part"))
    }
    return lines.joined(separator: "\n")
  }
}
