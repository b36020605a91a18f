import FinchIR
import Foundation

extension TextReport {
  /// The per-layer work and storage of a graph, and its totals.
  public static func graphSummary(_ s: GraphSummary) -> String {
    var rows = [["layer", "op", "MACs", "weights", "type", "param bits"]]
    for r in s.layers where r.macs > 0 {
      rows.append([r.name, r.op, String(r.macs), String(r.weights), r.weightType ?? "-", String(r.parameterBits)])
    }
    return [
      TextTable.align(rows, leftColumns: 2),
      "total: \(s.totalMACs) MACs, \(s.totalWeights) weights, \(s.totalParameterBits) parameter bits "
        + "(\(String(format: "%.1f", Double(s.totalParameterBits) / 8192)) KiB)",
      "ops: " + s.opCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
    ].joined(separator: "\n")
  }
}
