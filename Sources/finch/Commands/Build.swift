import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch build`: compile, fold, and generate the dataflow accelerator's RTL.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compile a model, fold it for a board and write the accelerator's Verilog.",
    discussion: """
      Writes DIR/compiled.onnx, summary.json, stages/, folding.json and folding_config.json (Finch's \
      and FINN's form), estimates.json (the `finch estimate --json` object), rtl/ (Verilog, memory \
      files, manifest.json with the top module, every element and its stream packing), sim/ (where \
      `finch simulate` runs) and, when the model has them beside it (NAME.in.npy, NAME.labels.npy), the \
      reference inputs. Nothing is written unless every step succeeds.

      --config FILE takes FINN's build configuration keys instead of the target options: output_dir, \
      board or fpga_part, synth_clk_period_ns, target_fps, folding_config_file and generate_outputs \
      (estimate_reports and stitched_ip are always written; rtlsim_performance simulates 8 frames of \
      the reference inputs; out_of_context_synth and bitfile synthesize). Any other key is an error.

      Examples:
        finch build model.onnx --board pynq-z1 --fps 5000 -o build
        finch build model.onnx --board ultra96 --budget 0.5 -o build --json
        finch build model.onnx --config build.json
      """)

  @Argument(help: "The model (.onnx).")
  var model: String

  @OptionGroup var target: FoldingOptions

  @Option(name: .shortAndLong, help: "Output folder: new, empty, or one Finch wrote (then replaced); never any other folder.")
  var output: String?

  @Option(help: "A FINN-style build configuration (JSON) instead of -o and the target options.")
  var config: String?

  @Flag(help: "Print {folder, estimate[, simulation, synthesis]} as one JSON object; progress goes to stderr.")
  var json = false

  /// What `--json` prints.
  struct Result: Encodable {
    var folder: String
    var estimate: FinchCost.Estimate
    /// With `generate_outputs` `rtlsim_performance`.
    var simulation: AcceleratorCheck.Report?
    /// With `generate_outputs` `out_of_context_synth` or `bitfile`.
    var synthesis: SynthesisReport?
  }

  func validate() throws {
    if config != nil {
      guard output == nil, target.isEmpty else {
        throw ValidationError("--config replaces -o, --board, --fps, --budget, --clock, --folding and --input-type; give one or the other")
      }
    } else {
      guard output != nil else { throw ValidationError("give -o DIR (or --config FILE)") }
      try target.requireTarget()
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      let request: BuildRequest, outputs: [BuildConfig.Output]
      if let config {
        let parsed = try BuildConfig(path: config, model: model)
        (request, outputs) = (parsed.request, parsed.outputs)
      } else {
        (request, outputs) = (target.request(model: model, output: output ?? ""), [])
      }
      let (folder, choice) = try BuildFolder.build(
        request, version: Finch.version, progress: Finch.progress, warning: { Finch.progress("warning: \($0)") })
      var result = Result(folder: request.output, estimate: choice.estimate)
      if outputs.contains(.rtlsimPerformance) {
        Finch.progress("simulating 8 frames of \(BuildFolder.inputs) in Verilator")
        let samples = try NPY.read(path: folder.path(BuildFolder.inputs).path)
        result.simulation = try folder.simulate(samples: samples.firstSamples(8), simulator: .verilator, stall: 0)
      }
      if outputs.contains(.outOfContextSynth) || outputs.contains(.bitfile) {
        result.synthesis = try folder.synthesize(progress: Finch.progress)
      }
      if json { try JSONReport.print(result) } else { print(TextReport.build(result.estimate, folder: result.folder, layers: choice.pipeline.layers.count)) }
      if let s = result.simulation, !json { print(TextReport.simulation(s)) }
      if let s = result.synthesis, !json { print(TextReport.synthesis(s)) }
      if (result.simulation?.mismatches ?? 0) > 0 { throw ExitCode.failure }
    }
  }
}
