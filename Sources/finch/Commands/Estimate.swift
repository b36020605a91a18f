import ArgumentParser
import FinchCost
import FinchDriver
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

      --arch offload estimates the multi-layer offload engine instead (Docs/offload.md): an engine \
      sized for the board within --budget of the part (default 0.8), or the one --engine FILE.json \
      describes; it reports the engine, its resources against the part, the cycles of every engine \
      call, frames/s and latency at the board's clock and memory bandwidth, and the layers left to \
      the CPU with the reason. --arch auto estimates both and chooses dataflow when its design fits \
      the part and meets the target, else the faster design that fits (offload where no dataflow \
      folding fits the part or the --budget), and says why. With --json, offload and auto print \
      {"arch": {"requested", "chosen", "reason", "dataflow", "offload"}}; dataflow prints the estimate.

      Examples:
        finch estimate model.onnx --board pynq-z1 --fps 5000
        finch estimate model.onnx --board pynq-z1 --arch offload
        finch estimate model.onnx --board pynq-z1 --arch offload --engine engine.json
        finch estimate model.onnx --board ultra96 --fps 1000 --arch auto --json
      """)

  @Argument(help: "A model (.onnx, or a Darknet .cfg with its .weights) or a `finch compile` output folder.")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @OptionGroup var target: FoldingOptions

  @OptionGroup var architecture: ArchitectureOptions

  @Option(help: "Write the chosen folding to this file.")
  var writeFolding: String?

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  func validate() throws {
    try architecture.check(with: target)
    if writeFolding != nil && architecture.arch == .offload {
      throw ValidationError("--write-folding writes a dataflow folding; it has no meaning with --arch offload")
    }
  }

  /// What `--json` prints for `--arch offload|auto`.
  struct Result: Encodable {
    var arch: ArchitectureChoice.Report
  }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = ModelFile.files(model, weights: darknet.weights) + [target.folding, architecture.engine].compactMap { $0 }
      if let writeFolding { try OutputFile.check(writeFolding, what: "--write-folding file", inputs: inputs) }
      let engine = try architecture.engineConfiguration()
      let graph = try Compilation.compiledGraph(model, weights: darknet.weights, inputType: target.declaredInputType)
      let layers = try HardwareLayer.layers(of: graph)
      let choice = try ArchitectureChoice(
        graph: graph, layers: layers, request: architecture.arch, board: target.board ?? "", clockMHz: target.clock, target: target.foldingTarget,
        foldingFile: target.folding, engine: engine, engineFile: architecture.engine, warning: { Finch.progress("warning: \($0)") })
      if let writeFolding, let folding = choice.dataflow {
        try OutputFile.write(try JSONReport.encode(folding.folding.config), to: writeFolding, what: "--write-folding file", inputs: inputs)
      }
      switch (architecture.arch, choice.picked) {
      case (.dataflow, .dataflow(let folding)):
        if json {
          try JSONReport.print(folding.estimate)
        } else {
          print(TextReport.estimate(folding.estimate, fastestFPS: folding.fastestFPS, requested: target.fps))
        }
      default:
        if json { try JSONReport.print(Result(arch: choice.report)) } else { print(choice.text(requestedFPS: target.fps)) }
      }
    }
  }
}
