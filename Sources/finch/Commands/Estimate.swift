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
      """)

  @Argument(help: "A .onnx model or a `finch compile` output folder.")
  var model: String

  @OptionGroup var target: FoldingOptions

  @Option(help: "Write the chosen folding to this file.")
  var writeFolding: String?

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  func validate() throws { try target.requireTarget() }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = [model] + (target.folding.map { [$0] } ?? [])
      if let writeFolding { try OutputFile.check(writeFolding, what: "--write-folding file", inputs: inputs) }
      let graph = try Compilation.compiledGraph(model, inputType: target.declaredInputType)
      let layers = try HardwareLayer.layers(of: graph)
      let choice = try target.choose(layers)
      let estimate = choice.estimate
      if let writeFolding {
        try OutputFile.write(try JSONReport.encode(choice.folding.config), to: writeFolding, what: "--write-folding file", inputs: inputs)
      }
      if json {
        try JSONReport.print(estimate)
      } else {
        print(TextReport.estimate(estimate, fastestFPS: choice.fastestFPS, requested: target.fps))
      }
    }
  }
}
