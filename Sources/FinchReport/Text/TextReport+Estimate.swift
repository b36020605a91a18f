import FinchCost
import Foundation

extension TextReport {
  /// The per-element table, totals against the part, and the verdict on `requested` frames/s.
  public static func estimate(_ e: Estimate, fastestFPS: Double, requested: Double?) -> String {
    var rows = [["layer", "op", "PE", "SIMD", "cycles", "LUT", "FF", "DSP", "BRAM18", "URAM", "EBR"]]
    for l in e.layers {
      rows.append([l.name, l.op] + [l.pe, l.simd, l.cycles, l.lut, l.ff, l.dsp, l.bram18, l.uram, l.ebr].map(String.init))
    }
    let t = e.totals, c = e.capacity
    var lines = [TextTable.align(rows, leftColumns: 2)]
    lines.append(
      "total on \(e.board) (\(e.part)): LUT \(TextTable.share(t.lut, c.lut)), FF \(TextTable.share(t.ff, c.ff)), "
        + "DSP \(TextTable.share(t.dsp, c.dsp)), "
        + (e.family == .ice40
          ? "EBR \(TextTable.share(t.ebr, c.ebr))" : "BRAM18 \(TextTable.share(t.bram18, c.bram18)), URAM \(TextTable.share(t.uram, c.uram))"))
    lines.append(
      String(
        format: "%.1f frames/s at %.0f MHz; latency %d cycles (%.1f us); bottleneck %@", e.fps, e.clockMHz, e.latencyCycles,
        Double(e.latencyCycles) / e.clockMHz, e.bottleneck))
    if let requested {
      lines.append(
        e.targetMet
          ? String(format: "target %.1f frames/s: met", requested)
          : String(
            format: "target %.1f frames/s: NOT met (the fastest folding reaches %.1f frames/s%@)", requested, fastestFPS,
            e.totals.fits(c) ? "" : "; the design does not fit the part"))
    }
    return lines.joined(separator: "\n")
  }

  /// The one-line account of a build.
  public static func build(_ e: Estimate, folder: String, layers: Int) -> String {
    String(
      format: "built %@: %d hardware layers, %.1f frames/s estimated at %.0f MHz, %d LUT, %@, %d DSP on %@",
      folder, layers, e.fps, e.clockMHz, e.totals.lut, e.family == .ice40 ? "\(e.totals.ebr) EBR" : "\(e.totals.bram18) BRAM18",
      e.totals.dsp, e.part)
  }
}
