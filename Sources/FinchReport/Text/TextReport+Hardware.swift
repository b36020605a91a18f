import FinchCost
import FinchRTL
import Foundation

extension TextReport {
  /// What a simulation found.
  public static func simulation(_ r: AcceleratorCheck.Report) -> String {
    [
      String(format: "%d frames in %@: %d mismatches", r.frames, r.simulator, r.mismatches),
      String(
        format: "%.1f cycles/frame in steady state (cycle model %d, %+.1f%%); first frame after %d cycles",
        r.cyclesPerFrame, r.estimatedCyclesPerFrame, 100 * (r.cyclesPerFrame / Double(max(r.estimatedCyclesPerFrame, 1)) - 1),
        r.firstFrameLatencyCycles),
      String(format: "simulation: %.0f cycles/s (build %.1f s)", r.simCyclesPerSecond, r.buildSeconds),
    ].joined(separator: "\n")
  }

  /// Synthesized resources per element beside the estimate, the totals and the error.
  public static func synthesis(_ r: SynthesisReport) -> String {
    let ice40 = r.part.hasPrefix("ice40")
    var rows = [["layer", "LUT", "(est)", "FF", "(est)", "CARRY", "DSP", "(est)", ice40 ? "EBR" : "BRAM18", "(est)"]]
    func row(_ name: String, _ s: SynthesizedResources, _ e: Resources?) -> [String] {
      func est(_ v: (Resources) -> Int) -> String { "(\(e.map { String(v($0)) } ?? "-"))" }
      return [name, "\(s.lut)", est(\.lut), "\(s.ff)", est(\.ff), "\(s.carry)", "\(s.dsp)", est(\.dsp), "\(ice40 ? s.ebr : s.bram18)",
              est { ice40 ? $0.ebr : $0.bram18 }]
    }
    rows += r.layers.map { row($0.name, $0.synthesized, $0.estimate) }
    rows.append(row("total", r.totals, r.estimate))
    var lines = ["\(r.tool) on \(r.part) in \(String(format: "%.0f", r.seconds)) s", TextTable.align(rows)]
    lines.append("estimate error: " + r.errorPct.sorted { $0.key < $1.key }.map { String(format: "%@ %+.1f%%", $0.key, $0.value) }.joined(separator: ", "))
    if let f = r.fmaxMHz { lines.append(String(format: "Fmax after place and route: %.1f MHz; bitstream %@", f, r.bitstream ?? "-")) }
    return lines.joined(separator: "\n")
  }
}
