import FinchCost
import Foundation

extension TextReport {
  /// An exploration: one row per point (its fronts as letters a, b, … in
  /// the order the legend lists them), the legend, and the points with no design.
  public static func exploration(_ x: Exploration) -> String {
    let names = x.fronts.keys.sorted()
    let letters = names.indices.map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }
    let synthesized = x.points.contains { $0.synthesized != nil }
    var rows = [
      ["#", "model", "device", "arch", "MHz", "target", "acc %", "frames/s", "latency us", "LUT", "FF", "BRAM18", "DSP", "W", "fps/W", "fits", "fronts"]
        + (synthesized ? ["LUT synth", "FF synth", "DSP synth", "BRAM synth"] : [])
    ]
    for (i, p) in x.points.enumerated() {
      let target = p.targetFPS.map { grouped($0) } ?? p.budget.map { "budget \(number($0))" } ?? "-"
      let on = zip(names, letters).compactMap { name, letter in x.fronts[name]?.contains(i) == true ? letter : nil }.joined()
      rows.append(
        ["\(i)", p.model, p.device, p.arch, number(p.clockMHz), target, p.accuracy.map { String(format: "%.2f", $0) } ?? "-",
         TextTable.grouped(p.fps), String(format: "%.1f", p.latencyUs), TextTable.grouped(p.lut), TextTable.grouped(p.ff),
         "\(p.bram18 + p.ebr)", "\(p.dsp)", String(format: "%.3f", p.watts), TextTable.grouped(p.fpsPerWatt), p.fits ? "yes" : "NO", on]
          + (synthesized ? p.synthesized.map { [TextTable.grouped($0.lut), TextTable.grouped($0.ff), "\($0.dsp)", "\($0.bram18 + $0.ebr)"] } ?? ["-", "-", "-", "-"] : []))
    }
    var lines = [TextTable.align(rows, leftColumns: 4)]
    for (name, letter) in zip(names, letters) {
      lines.append("\(letter): Pareto front \(name): \(x.fronts[name]?.count ?? 0) point\(x.fronts[name]?.count == 1 ? "" : "s")")
    }
    for (i, p) in x.points.enumerated() { if let e = p.synthesisError { lines.append("synthesis of #\(i) failed: \(e)") } }
    for s in x.skipped { lines.append("no design: \(s.model) on \(s.device), \(s.arch), \(s.target): \(s.reason)") }
    return lines.joined(separator: "\n")
  }

  private static func grouped(_ v: Double) -> String { TextTable.grouped(v) }
  private static func number(_ v: Double) -> String { String(format: "%g", v) }
}
