import FinchCost
import Foundation

extension TextReport {
  /// The roofs and the networks' points.
  public static func roofline(_ r: Roofline) -> String {
    var lines = ["\(r.board) (\(r.part)) at \(TextTable.number(r.clockMHz)) MHz, \(TextTable.number(r.bandwidthGBps)) GB/s"]
    var roofs = [["precision", "LUT MAC", "DSP MAC", "DSP MACs", "LUT MACs", "peak", "ridge ops/B"]]
    for roof in r.roofs {
      let dsp = roof.dspCost.map { "\(TextTable.number($0.dsps)) DSP + \(TextTable.number($0.luts)) LUT" } ?? "-"
      roofs.append([
        roof.precision.description, "\(TextTable.number(roof.lutCost.luts)) LUT", dsp, String(roof.dspMACs),
        String(roof.lutMACs), RooflineChart.rate(roof.peakOpsPerSecond), String(format: "%.1f", roof.ridgeIntensity),
      ])
    }
    lines.append(TextTable.align(roofs, leftColumns: 2))
    if !r.networks.isEmpty {
      var rows = [["network", "precision", "MACs", "peak", "weights", "bytes", "ops/B", "attainable", "bound"]]
      for n in r.networks {
        let precisions = n.network.precisions.map(\.precision.description).joined(separator: "+")
        for p in n.points {
          rows.append([
            n.network.name, precisions, String(n.network.macs), RooflineChart.rate(n.peakOpsPerSecond),
            p.memory == .weightsOnChip ? "on chip" : "off chip", String(format: "%.0f", p.bytes),
            String(format: "%.1f", p.intensity), RooflineChart.rate(p.attainableOpsPerSecond), p.bound.rawValue,
          ])
        }
      }
      lines.append("")
      lines.append(TextTable.align(rows, leftColumns: 2))
    }
    return lines.joined(separator: "\n")
  }
}
