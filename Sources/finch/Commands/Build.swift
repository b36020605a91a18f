import ArgumentParser
import FinchCost
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch build`: compile, fold, and generate the dataflow accelerator's RTL.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compile a model, fold it for a board and write the accelerator's Verilog.",
    discussion: """
      Writes DIR/compiled.onnx, summary.json, stages/, folding.json, estimates.json (the \
      `finch estimate --json` object), rtl/ (Verilog, memory files, manifest.json with the top \
      module and its stream packing), sim/ (where `finch simulate` runs) and, when the model has \
      them beside it (NAME.in.npy, NAME.labels.npy), the reference inputs. Nothing is written \
      unless every step succeeds.
      """)

  @Argument(help: "The model (.onnx).")
  var model: String

  @OptionGroup var target: FoldingOptions

  @Option(name: .shortAndLong, help: "Output folder: new, empty, or one Finch wrote (then replaced); never any other folder.")
  var output: String

  @Flag(help: "Print {folder, estimate} as one JSON object (the estimate as in estimates.json); progress goes to stderr.")
  var json = false

  /// What `--json` prints.
  struct Result: Encodable {
    var folder: String
    var estimate: FinchCost.Estimate
  }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = [model] + (target.folding.map { [$0] } ?? [])
      try OutputFolder.check(output, inputs: inputs)
      Finch.progress("[1/3] compiling \(model)")
      let compilation = try Compilation.run(model: model, inputType: target.inputType)
      try compilation.requireLowered(allowHostOps: false)
      let layers = try HardwareLayer.layers(of: compilation.graph)
      Finch.progress("[2/3] folding \(layers.count) layers for \(target.board)")
      let choice = try target.choose(layers)
      let (device, clockMHz, folding, estimate) = (choice.device, choice.clockMHz, choice.folding, choice.estimate)
      Finch.progress("[3/3] generating RTL")
      let design = try Design(graph: compilation.graph, folding: folding)
      try OutputFolder.write(to: output, command: "build", version: Finch.version, inputs: inputs) { dir in
        try compilation.write(into: dir)
        try JSONReport.encode(folding.config).write(to: dir.appendingPathComponent("folding.json"))
        try folding.config.finnJSON(for: layers).write(to: dir.appendingPathComponent("folding_config.json"))
        try JSONReport.encode(estimate).write(to: dir.appendingPathComponent("estimates.json"))
        try design.write(to: dir.appendingPathComponent("rtl"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sim"), withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: model).deletingPathExtension()
        for (suffix, name) in [(".in.npy", "inputs.npy"), (".labels.npy", "labels.npy")] {
          let source = URL(fileURLWithPath: base.path + suffix)
          if FileManager.default.fileExists(atPath: source.path) {
            try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(name))
          }
        }
      }
      if json { return try JSONReport.print(Result(folder: output, estimate: estimate)) }
      print(
        String(
          format: "built %@: %d hardware layers, %.1f frames/s estimated at %.0f MHz, %d LUT, %@, %d DSP on %@",
          output, layers.count, estimate.fps, clockMHz, estimate.totals.lut,
          device.part.family == .ice40 ? "\(estimate.totals.ebr) EBR" : "\(estimate.totals.bram18) BRAM18", estimate.totals.dsp,
          device.part.name))
    }
  }
}
