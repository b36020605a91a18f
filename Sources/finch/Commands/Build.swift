import ArgumentParser
import FinchCost
import FinchIR
import FinchRTL
import Foundation

/// `finch build`: compile, fold, and generate the dataflow accelerator's RTL.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compile a model, fold it for a board and write the accelerator's Verilog and testbench.",
    discussion: """
      Writes DIR/compiled.onnx, summary.json, stages/, folding.json, estimates.json (the \
      `finch estimate --json` object), rtl/ (Verilog, memory files, manifest.json with the top \
      module and its stream packing), sim/ (where `finch simulate` runs) and, when the model has \
      them beside it (NAME.in.npy, NAME.labels.npy), the reference inputs. Nothing is written \
      unless every step succeeds.
      """)

  @Argument(help: "The model (.onnx).")
  var model: String

  @Option(help: "Board or part (see `finch devices`).")
  var board: String

  @Option(help: "Target frames per second.")
  var fps: Double?

  @Option(help: "Fraction of the part's resources to use (0 < F <= 1).")
  var budget: Double?

  @Option(help: "Clock in MHz (default: the board's).")
  var clock: Double?

  @Option(help: "Folding file pinning PE/SIMD of some layers.")
  var folding: String?

  @Option(help: "Declare the graph input's datatype (e.g. UINT8) for unannotated models.")
  var inputType: String?

  @Option(name: .shortAndLong, help: "Output folder (replaced if it exists).")
  var output: String

  func validate() throws {
    if fps != nil && budget != nil { throw ValidationError("give --fps or --budget, not both") }
    if fps == nil && budget == nil && folding == nil { throw ValidationError("give --fps N, --budget F or --folding FILE") }
    if let budget, !(budget > 0 && budget <= 1) { throw ValidationError("--budget must be in (0, 1]") }
    if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number") }
  }

  func run() throws {
    try Finch.reportingErrors {
      print("[1/3] compiling \(model)")
      let compilation = try Compilation.run(model: model, inputType: inputType)
      try compilation.requireLowered(allowHostOps: false)
      let device = try DeviceCatalogue.bundled().device(named: board)
      let clockMHz = clock ?? device.clockMHz
      let layers = HardwareLayer.layers(of: compilation.graph)
      print("[2/3] folding \(layers.count) layers for \(device.name) at \(Int(clockMHz)) MHz")
      let (_, foldings) = try Estimate.fold(layers, device: device, clockMHz: clockMHz, fps: fps, budget: budget, folding: folding)
      let estimate = FinchCost.Estimate(
        board: device.name, part: device.part.name, clockMHz: clockMHz, capacity: device.capacity, layers: layers, foldings: foldings,
        targetFPS: fps)
      print("[3/3] generating RTL")
      let design = try Design(graph: compilation.graph, foldings: Dictionary(uniqueKeysWithValues: zip(layers.map(\.name), foldings)))
      try OutputFolder.write(to: output) { dir in
        try compilation.write(into: dir)
        try JSONOutput.write(FoldingConfig(layers, foldings), to: dir.appendingPathComponent("folding.json"))
        try JSONOutput.write(estimate, to: dir.appendingPathComponent("estimates.json"))
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
      print(
        String(
          format: "built %@: %d hardware layers, %.1f frames/s estimated at %.0f MHz, %d LUT, %d BRAM18, %d DSP on %@",
          output, layers.count, estimate.fps, clockMHz, estimate.totals.lut, estimate.totals.bram18, estimate.totals.dsp, device.part.name))
    }
  }
}
