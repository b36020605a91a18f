import ArgumentParser
import FinchIR
import FinchONNX
import FinchReport
import Foundation

/// `finch inspect`: the graph as text, with per-layer work and storage.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's graph, datatypes, per-layer MACs and parameter bits.",
    discussion: "With --json, print the same as one JSON object on stdout.")

  @Argument(help: "The model (.onnx: QONNX, FINN-ONNX or ONNX QDQ).")
  var model: String

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

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
      let graph = try ONNXImporter.load(path: model)
      let summary = graph.summary
      if json { return try JSONReport.print(Result(summary: summary, text: graph.text)) }
      print(graph.text)
      print(Self.table(summary))
    }
  }

  /// The per-layer table and totals as aligned text.
  static func table(_ s: GraphSummary) -> String {
    let rows = s.layers.filter { $0.macs > 0 }
    let nameWidth = max(5, rows.map(\.name.count).max() ?? 0)
    var lines = [
      "layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  op                      MACs   weights  type       param bits"
    ]
    for r in rows {
      lines.append(
        r.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
          + r.op.padding(toLength: 18, withPad: " ", startingAt: 0) + pad(r.macs, 10) + pad(r.weights, 10) + "  "
          + (r.weightType ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0) + pad(r.parameterBits, 12))
    }
    lines.append("total: \(s.totalMACs) MACs, \(s.totalWeights) weights, \(s.totalParameterBits) parameter bits "
      + "(\(String(format: "%.1f", Double(s.totalParameterBits) / 8192)) KiB)")
    lines.append("ops: " + s.opCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    return lines.joined(separator: "\n")
  }

  private static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: " ", count: max(0, width - s.count)) + s
  }
}
