import ArgumentParser
import FinchDriver
import FinchIR
import FinchReport
import Foundation

/// `finch inspect`: the graph as text, with per-layer work and storage.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's graph, datatypes, per-layer MACs and parameter bits.",
    discussion: """
      The graph text shows constants of up to 16 values; --ir prints the exact IR instead (every \
      constant, nothing else), which Finch's IR parser (Graph(parsing:)) reads back to the same graph. \
      With --json, print the summary and the graph text as one JSON object on stdout.

      Examples:
        finch inspect model.onnx
        finch inspect model.onnx --ir > model.ir
        finch inspect model.onnx --json
      """)

  @Argument(help: "The model (.onnx: QONNX, FINN-ONNX or ONNX QDQ; or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @Flag(help: "Print the exact IR (every constant) instead of the readable text and table.")
  var ir = false

  /// What `--json` prints: the summary's keys and the graph as text.
  struct Result: Encodable {
    var summary: GraphSummary
    var text: String

    enum CodingKeys: String, CodingKey { case text }

    func encode(to encoder: any Encoder) throws {
      try summary.encode(to: encoder)
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(text, forKey: .text)
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      let graph = try ModelFile.load(model, weights: darknet.weights)
      let summary = graph.summary
      if json { return try JSONReport.print(Result(summary: summary, text: ir ? graph.fullText : graph.text)) }
      if ir { return print(graph.fullText, terminator: "") }
      print(graph.text)
      print(TextReport.graphSummary(summary))
    }
  }
}
