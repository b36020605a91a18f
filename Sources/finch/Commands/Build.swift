import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch build`: compile, fold, and generate the dataflow accelerator's RTL, or schedule the offload engine.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compile a model, fold it for a board and write the accelerator's Verilog (or its offload schedule).",
    discussion: """
      Writes DIR/compiled.onnx, summary.json, stages/, folding.json and folding_config.json (Finch's \
      and FINN's form), estimates.json (the `finch estimate --json` object), rtl/ (Verilog, memory \
      files, manifest.json with the top module, every element and its stream packing), sim/ (where \
      `finch simulate` runs) and, when the model has them beside it (NAME.in.npy, NAME.labels.npy), the \
      reference inputs. Nothing is written unless every step succeeds. DIR/architecture.json says \
      which architecture the folder holds and why.

      --arch offload builds for the multi-layer offload engine instead (Docs/offload.md): DIR/engine.json \
      (the engine: sized for the board within --budget of the part, default 0.8, or --engine FILE.json), \
      schedule.json (every engine call's registers, the memory map, the CPU layers with the reason), \
      memory.bin (weights and thresholds as the engine reads them) and offload_estimate.json (resources, \
      cycles per call, frames/s) and rtl/ (the engine's Verilog with a top finch_top carrying its \
      parameters, and manifest.json), beside compiled.onnx, summary.json, stages/ and the reference \
      inputs; `finch simulate` runs it end to end and `finch synth` synthesizes the engine. --arch auto \
      builds what `finch estimate --arch auto` chooses.

      --config FILE takes FINN's build configuration keys instead of the target options: output_dir, \
      board or fpga_part, synth_clk_period_ns, target_fps, folding_config_file and generate_outputs \
      (estimate_reports and stitched_ip are always written; rtlsim_performance simulates 8 frames of \
      the reference inputs; out_of_context_synth and bitfile synthesize). Any other key is an error.

      Examples:
        finch build model.onnx --board pynq-z1 --fps 5000 -o build
        finch build model.onnx --board ultra96 --budget 0.5 -o build --json
        finch build model.onnx --config build.json
        finch build model.onnx --board pynq-z1 --arch offload -o build
        finch build model.onnx --board pynq-z1 --fps 1000 --arch auto -o build --json
      """)

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @OptionGroup var target: FoldingOptions

  @OptionGroup var architecture: ArchitectureOptions

  @Option(name: .shortAndLong, help: "Output folder: new, empty, or one Finch wrote (then replaced); never any other folder.")
  var output: String?

  @Option(help: "A FINN-style build configuration (JSON) instead of -o and the target options.")
  var config: String?

  @Flag(help: "Print {folder, estimate | arch[, simulation, synthesis]} as one JSON object; progress goes to stderr.")
  var json = false

  /// What `--json` prints.
  struct Result: Encodable {
    var folder: String
    /// The dataflow estimate, in a dataflow build.
    var estimate: FinchCost.Estimate?
    /// The choice and its estimates, with `--arch offload|auto`.
    var arch: ArchitectureChoice.Report?
    /// With `generate_outputs` `rtlsim_performance`: a dataflow build's simulation.
    var simulation: AcceleratorCheck.Report?
    /// The same for an offload build (printed as `simulation`).
    var offloadSimulation: OffloadCheck.Report?
    /// With `generate_outputs` `out_of_context_synth` or `bitfile`.
    var synthesis: SynthesisReport?

    enum CodingKeys: String, CodingKey { case folder, estimate, arch, simulation, synthesis }

    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(folder, forKey: .folder)
      try c.encodeIfPresent(estimate, forKey: .estimate)
      try c.encodeIfPresent(arch, forKey: .arch)
      try c.encodeIfPresent(simulation, forKey: .simulation)
      try c.encodeIfPresent(offloadSimulation, forKey: .simulation)
      try c.encodeIfPresent(synthesis, forKey: .synthesis)
    }
  }

  func validate() throws {
    if config != nil {
      guard output == nil, target.isEmpty else {
        throw ValidationError("--config replaces -o, --board, --fps, --budget, --clock, --folding and --input-type; give one or the other")
      }
    } else {
      guard output != nil else { throw ValidationError("give -o DIR (or --config FILE)") }
      try architecture.check(with: target)
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      var request: BuildRequest, outputs: [BuildConfig.Output]
      if let config {
        var parsed = try BuildConfig(path: config, model: model)
        (parsed.request.arch, parsed.request.engineFile) = (architecture.arch, architecture.engine)
        (request, outputs) = (parsed.request, parsed.outputs)
      } else {
        (request, outputs) = (target.request(model: model, output: output ?? "", architecture: architecture), [])
      }
      request.weights = darknet.weights
      let (folder, choice) = try BuildFolder.build(
        request, version: Finch.version, progress: Finch.progress, warning: { Finch.progress("warning: \($0)") })
      var result = Result(folder: request.output, arch: request.arch == .dataflow ? nil : choice.report)
      if case .dataflow(let folding) = choice.picked { result.estimate = folding.estimate }
      if outputs.contains(.rtlsimPerformance) {
        Finch.progress("simulating 8 frames of \(BuildFolder.inputs) in Verilator")
        let samples = try NPY.read(path: folder.path(BuildFolder.inputs).path).firstSamples(8)
        switch choice.chosen {
        case .dataflow: result.simulation = try folder.simulate(samples: samples, simulator: .verilator, stall: 0)
        case .offload: result.offloadSimulation = try folder.simulateOffload(samples: samples, dram: VerilatorEngine.DRAM(), progress: Finch.progress)
        }
      }
      if outputs.contains(.outOfContextSynth) || outputs.contains(.bitfile) {
        result.synthesis = try folder.synthesize(progress: Finch.progress)
      }
      if json {
        try JSONReport.print(result)
      } else {
        switch choice.picked {
        case .dataflow(let folding): print(TextReport.build(folding.estimate, folder: result.folder, layers: folding.pipeline.layers.count))
        case .offload(let design): print(TextReport.offloadBuild(design.report, folder: result.folder))
        }
        if request.arch == .auto { print("architecture: \(choice.chosen.rawValue) (\(choice.reason))") }
      }
      if let s = result.simulation, !json { print(TextReport.simulation(s)) }
      if let s = result.offloadSimulation, !json { print(TextReport.offloadSimulation(s)) }
      if let s = result.synthesis, !json { print(TextReport.synthesis(s)) }
      if (result.simulation?.mismatches ?? result.offloadSimulation?.mismatches ?? 0) > 0 { throw ExitCode.failure }
    }
  }
}
