import ArgumentParser
import FinchCost
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch synth`: synthesize a built accelerator with Yosys (and place and route iCE40 parts).
struct Synth: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Synthesize a `finch build` folder with Yosys and compare with the cost model.",
    discussion: """
      Synthesizes DIR/rtl exactly as `finch build` wrote it (refused if a file was edited or is missing). \
      Xilinx parts: synth_xilinx (-family xc7, or xcup with -abc9). iCE40 parts: synth_ice40, \
      nextpnr-ice40 (Fmax) and icepack (bitstream). Writes DIR/synth/report.json and prints LUT/FF/ \
      CARRY/DSP/BRAM per layer and in total beside the estimate, with the error in %.
      """)

  @Argument(help: "A `finch build` output folder.")
  var folder: String

  @Option(help: "Part or board (default: the one the folder was built for).")
  var part: String?

  @Flag(help: "Print the report as one JSON object.")
  var json = false

  func run() throws {
    try Finch.reportingErrors {
      try OutputFolder.requireWritten(by: "build", folder)
      let dir = URL(fileURLWithPath: folder)
      let built = try JSONDecoder().decode(FinchCost.Estimate.self, from: Data(contentsOf: dir.appendingPathComponent("estimates.json")))
      let device = try DeviceCatalogue.bundled().device(named: part ?? built.part)
      let estimate = try Self.estimate(dir, on: device, clockMHz: built.clockMHz)
      let written = try WrittenDesign(directory: dir.appendingPathComponent("rtl"))
      let manifest = written.manifest
      let work = dir.appendingPathComponent("synth")
      try? FileManager.default.removeItem(at: work)
      let sources = try written.copy(to: work)
      let names = Dictionary(manifest.layers.map { ($0.instance, $0.name) }, uniquingKeysWith: { a, _ in a })
      let perElement = Dictionary(estimate.layers.map { ($0.name, $0.resources) }, uniquingKeysWith: { a, _ in a })
      Finch.progress("synthesizing for \(device.part.name) (\(device.part.family.rawValue)); this takes a while")
      let report = try Synthesizer.run(
        directory: work, sources: sources, part: device.part, inputWidth: manifest.input.wordBits, outputWidth: manifest.output.wordBits,
        names: names, estimates: perElement, estimateTotals: estimate.totals)
      try JSONReport.encode(report).write(to: work.appendingPathComponent("report.json"))
      if json { try JSONReport.print(report) } else { print(Self.table(report)) }
    }
  }

  /// The cost model's estimate of the built design on `device` (the part's
  /// family decides the resource rules, whatever part the folder was built for).
  static func estimate(_ dir: URL, on device: Device, clockMHz: Double) throws -> FinchCost.Estimate {
    let graph = try CompiledModel.load(dir.path, inputType: nil)
    let layers = try HardwareLayer.layers(of: graph)
    let folding = try CompiledModel.readFolding(dir.appendingPathComponent("folding.json").path).complete(in: layers)
    return FinchCost.Estimate(
      board: device.name, part: device.part.name, family: device.part.family, clockMHz: clockMHz, capacity: device.capacity,
      pipeline: try DataflowPipeline(layers: layers, folding: folding), targetFPS: nil)
  }

  static func table(_ r: SynthesisReport) -> String {
    func cell(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    let width = max(12, r.layers.map(\.name.count).max() ?? 0)
    var lines = ["\(r.tool) on \(r.part) in \(String(format: "%.0f", r.seconds)) s",
                 "layer".padding(toLength: width, withPad: " ", startingAt: 0) + "      LUT (est)      FF (est)  CARRY   DSP (est)  \(r.part.hasPrefix("ice40") ? "   EBR" : "BRAM18") (est)"]
    func row(_ name: String, _ s: SynthesizedResources, _ e: Resources?) -> String {
      let ice40 = r.part.hasPrefix("ice40")
      return name.padding(toLength: width, withPad: " ", startingAt: 0) + cell("\(s.lut)", 8) + cell("(\(e.map { "\($0.lut)" } ?? "-"))", 8)
        + cell("\(s.ff)", 8) + cell("(\(e.map { "\($0.ff)" } ?? "-"))", 7) + cell("\(s.carry)", 7) + cell("\(s.dsp)", 6)
        + cell("(\(e.map { "\($0.dsp)" } ?? "-"))", 6) + cell("\(ice40 ? s.ebr : s.bram18)", 8)
        + cell("(\(e.map { "\(ice40 ? $0.ebr : $0.bram18)" } ?? "-"))", 6)
    }
    lines += r.layers.map { row($0.name, $0.synthesized, $0.estimate) }
    lines.append(row("total", r.totals, r.estimate))
    lines.append("estimate error: " + r.errorPct.sorted { $0.key < $1.key }.map { String(format: "%@ %+.1f%%", $0.key, $0.value) }.joined(separator: ", "))
    if let f = r.fmaxMHz { lines.append(String(format: "Fmax after place and route: %.1f MHz; bitstream %@", f, r.bitstream ?? "-")) }
    return lines.joined(separator: "\n")
  }
}
