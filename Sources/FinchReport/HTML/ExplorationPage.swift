import FinchCost
import Foundation

/// The HTML page of a `finch explore`: one Pareto chart per front (every
/// point that fits, the front's points joined; hovering a point shows its
/// model, device, architecture, target and figures), then every point as a
/// table with the fronts it is on, and the combinations with no design.
public enum ExplorationPage {
  public static func html(_ x: Exploration, title: String = "Finch design-space exploration") -> String {
    var page = HTMLPage(title: title)
    let models = Set(x.points.map(\.model)).count, devices = Set(x.points.map(\.device)).count
    page.section(
      "Summary",
      HTMLPage.paragraph(
        "\(x.points.count) design points (\(models) model\(models == 1 ? "" : "s") on \(devices) device\(devices == 1 ? "" : "s")), "
          + "\(x.points.filter(\.fits).count) fit their part; \(x.skipped.count) combination\(x.skipped.count == 1 ? "" : "s") had no design. "
          + "Hover a point for its details."))
    var charts: [String] = []
    for name in x.fronts.keys.sorted() {
      let parts = name.components(separatedBy: "_vs_")
      guard parts.count == 2, let first = Objective(rawValue: parts[0]), let second = Objective(rawValue: parts[1]) else { continue }
      let front = Set(x.fronts[name] ?? [])
      let points = x.points.indices.compactMap { i -> ParetoChart.Point? in
        let p = x.points[i]
        guard p.fits, let a = p.value(first), let b = p.value(second) else { return nil }
        return ParetoChart.Point(x: b, y: a, onFront: front.contains(i), detail: detail(i, p))
      }
      guard !points.isEmpty else { continue }
      charts.append(
        ParetoChart(title: "\(first.label) vs \(second.label): \(front.count) on the front", xLabel: second.label, yLabel: first.label, points: points).svg)
    }
    if !charts.isEmpty { page.section("Pareto fronts", "<div class=\"charts\">\n\(charts.joined(separator: "\n"))\n</div>") }
    let names = x.fronts.keys.sorted()
    let synthesized = x.points.contains { $0.synthesized != nil || $0.synthesisError != nil }
    let rows = x.points.enumerated().map { i, p in
      ["\(i)", p.model, p.device, p.arch, String(format: "%g", p.clockMHz), target(p), p.accuracy.map { String(format: "%.2f", $0) } ?? "-",
       TextTable.grouped(p.fps), String(format: "%.1f", p.latencyUs), TextTable.grouped(p.lut), TextTable.grouped(p.ff), "\(p.bram18 + p.ebr)",
       "\(p.dsp)", String(format: "%.3f", p.watts), TextTable.grouped(p.fpsPerWatt), p.fits ? "yes" : "no",
       names.filter { x.fronts[$0]?.contains(i) == true }.joined(separator: " ")]
        + (synthesized ? synthesisCells(p) : [])
    }
    let onAny = Set(x.fronts.values.flatMap { $0 })
    page.section(
      "Points",
      HTMLPage.table(
        ["#", "model", "device", "arch", "MHz", "target", "accuracy %", "frames/s", "latency µs", "LUT", "FF", "BRAM18", "DSP", "W", "frames/s per W",
         "fits", "fronts"] + (synthesized ? ["LUT synth", "FF synth", "DSP synth", "BRAM synth"] : []), rows, numericFrom: 4, highlight: onAny)
        + HTMLPage.paragraph("Highlighted rows are on at least one front."))
    if !x.skipped.isEmpty {
      page.section(
        "No design", HTMLPage.table(["model", "device", "arch", "target", "why"], x.skipped.map { [$0.model, $0.device, $0.arch, $0.target, $0.reason] }, numericFrom: 9))
    }
    return page.html
  }

  /// Yosys's LUT, FF, DSP and BRAM of a point, or why it failed.
  static func synthesisCells(_ p: ExplorationPoint) -> [String] {
    if let r = p.synthesized { return [TextTable.grouped(r.lut), TextTable.grouped(r.ff), "\(r.dsp)", "\(r.bram18 + r.ebr)"] }
    return [p.synthesisError.map { "failed: \($0)" } ?? "-", "-", "-", "-"]
  }

  static func target(_ p: ExplorationPoint) -> String {
    p.targetFPS.map { "\(TextTable.grouped($0)) frames/s" } ?? p.budget.map { "budget \(String(format: "%g", $0))" } ?? "-"
  }

  /// What hovering point `i` shows.
  static func detail(_ i: Int, _ p: ExplorationPoint) -> String {
    "#\(i) \(p.model) on \(p.device), \(p.arch) at \(String(format: "%g", p.clockMHz)) MHz, target \(target(p))\n"
      + (p.accuracy.map { String(format: "accuracy %.2f%%, ", $0) } ?? "")
      + "\(TextTable.grouped(p.fps)) frames/s, latency \(String(format: "%.1f", p.latencyUs)) µs\n"
      + "\(p.lut) LUT, \(p.ff) FF, \(p.bram18 + p.ebr) BRAM, \(p.dsp) DSP, \(String(format: "%.3f", p.watts)) W, "
      + "\(TextTable.grouped(p.fpsPerWatt)) frames/s per W"
  }
}
