import FinchCost
import FinchOffload
import FinchRTL
import Foundation

/// The HTML page of a build folder: a dataflow design (every element with
/// its folding, cycles and resources, the bottleneck highlighted, estimate
/// beside synthesis when `finch synth` has run) or an offload engine (its
/// units, calls and CPU layers); cycles and resources as bar charts,
/// utilization of the part, the power breakdown, the roofline, and the host
/// work around the accelerator.
public enum BuildPage {
  /// What the page shows besides the design itself.
  public struct Context: Sendable {
    public var title: String
    /// `finch synth`'s report, when it has run.
    public var synthesis: SynthesisReport?
    /// The compilation's summary: each layer's shapes and datatypes, the host work.
    public var summary: CompileSummary?
    /// The roofline chart's SVG, when the board is known.
    public var roofline: String?

    public init(title: String, synthesis: SynthesisReport? = nil, summary: CompileSummary? = nil, roofline: String? = nil) {
      (self.title, self.synthesis, self.summary, self.roofline) = (title, synthesis, summary, roofline)
    }
  }

  /// A dataflow build.
  public static func dataflow(_ e: Estimate, _ context: Context) -> String {
    var page = HTMLPage(title: context.title)
    var summary = [
      "\(e.board) (\(e.part)) at \(String(format: "%g", e.clockMHz)) MHz: \(TextTable.grouped(e.fps)) frames/s, bottleneck \(e.bottleneck); "
        + "first frame \(TextTable.grouped(e.firstFrameLatencyCycles)) cycles (\(String(format: "%.1f", Double(e.firstFrameLatencyCycles) / e.clockMHz)) µs).",
      TextReport.totals(e.totals, of: e.capacity, board: e.board, part: e.part, family: e.family) + ".",
    ]
    if let p = e.power { summary.append(TextReport.power(p, fps: e.fps)) }
    if let s = context.synthesis { summary.append(synthesized(s)) }
    page.section("Summary", summary.map(HTMLPage.paragraph).joined(separator: "\n"))
    let synth = Dictionary((context.synthesis?.layers ?? []).map { ($0.name, $0.synthesized) }, uniquingKeysWith: { a, _ in a })
    let facts = Dictionary((context.summary?.layers ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var header = ["element", "op", "in", "out", "weights", "shape", "PE", "SIMD", "cycles", "first out", "last out", "LUT", "FF", "DSP", "BRAM18", "EBR"]
    if !synth.isEmpty { header += ["LUT synth", "FF synth", "DSP synth", "BRAM synth"] }
    let rows = e.layers.map { l -> [String] in
      let f = facts[l.name]
      let shape = (f?.attributes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: "×"))" }.joined(separator: ", ")
      var row = [l.name, l.op, f?.inputType ?? "", f?.outputType ?? "", f?.weightType ?? "", shape]
      row += [l.pe, l.simd, l.cycles, l.firstOutputCycle, l.lastOutputCycle, l.lut, l.ff, l.dsp, l.bram18, l.ebr].map(String.init)
      if !synth.isEmpty { row += synth[l.name].map { [$0.lut, $0.ff, $0.dsp, $0.bram18 + $0.ebr].map(String.init) } ?? ["-", "-", "-", "-"] }
      return row
    }
    let bottleneck = Set(e.layers.indices.filter { e.layers[$0].name == e.bottleneck })
    page.section(
      "Layers", HTMLPage.table(header, rows, numericFrom: 6, highlight: bottleneck) + HTMLPage.paragraph("The highlighted row is the bottleneck."))
    let layers = e.layers.filter { !["FIFO", "DWC", "Dup"].contains($0.op) }
    let cycles = BarChart(
      title: "Cycles per frame", bars: layers.map { .init(label: $0.name, value: Double($0.cycles), detail: "PE \($0.pe), SIMD \($0.simd)", highlight: $0.name == e.bottleneck) },
      format: { TextTable.grouped(Int($0)) })
    let luts = BarChart(
      title: "LUTs (estimate)", bars: e.layers.filter { $0.lut > 0 }.map { .init(label: $0.name, value: Double($0.lut), detail: "\($0.ff) FF, \($0.dsp) DSP, \($0.bram18 + $0.ebr) BRAM") },
      format: { TextTable.grouped(Int($0)) })
    page.section("Cycles and resources", "<div class=\"charts\">\n\(cycles.svg)\n\(luts.svg)\n</div>")
    page.section("Utilization of \(e.part)", utilization(e.totals, e.capacity, e.family))
    if let p = e.power { page.section("Power", powerChart(p)) }
    if let r = context.roofline { page.section("Roofline", r) }
    if let host = context.summary?.host { page.section("Host work", hostWork(host)) }
    return page.html
  }

  /// An offload build.
  public static func offload(_ r: OffloadDesign.Report, _ context: Context) -> String {
    var page = HTMLPage(title: context.title)
    let e = r.engine, s = r.estimate
    var summary = [
      "Offload engine on \(r.board) (\(r.part)), \(r.engineSource): PE \(e.pe), SIMD \(e.simd), weights \(e.weightBits) bit, activations "
        + "\(e.activationBits) bit; \(TextTable.grouped(s.fps)) frames/s at \(String(format: "%g", s.clockMHz)) MHz and \(String(format: "%g", r.bandwidthGBps)) GB/s, "
        + "\(TextTable.grouped(s.cycles)) cycles per frame, \(TextTable.grouped(s.bytes)) bytes moved per frame.",
      TextReport.totals(r.totals, of: r.capacity, board: r.board, part: r.part, family: r.family) + (r.fits ? "." : ": the engine does NOT fit."),
    ]
    if let p = r.power { summary.append(TextReport.power(p, fps: s.fps)) }
    if let synthesis = context.synthesis { summary.append(synthesized(synthesis)) }
    page.section("Summary", summary.map(HTMLPage.paragraph).joined(separator: "\n"))
    let synth = Dictionary((context.synthesis?.layers ?? []).map { ($0.name, $0.synthesized) }, uniquingKeysWith: { a, _ in a })
    page.section(
      "Engine units",
      HTMLPage.table(
        ["unit", "LUT", "FF", "DSP", "BRAM18", "EBR"] + (synth.isEmpty ? [] : ["LUT synth", "FF synth"]),
        r.units.map { u in
          [u.name] + [u.resources.lut, u.resources.ff, u.resources.dsp, u.resources.bram18, u.resources.ebr].map(String.init)
            + (synth.isEmpty ? [] : synth[u.name].map { [String($0.lut), String($0.ff)] } ?? ["-", "-"])
        }))
    let slowest = s.calls.max { $0.cycles < $1.cycles }?.index
    page.section(
      "Engine calls",
      HTMLPage.table(
        ["call", "layer", "tile", "compute", "load", "activations", "cycles"],
        s.calls.map { c in ["\(c.index)", c.mvau] + [c.tile, c.computeCycles, c.loadCycles, c.activationCycles, c.cycles].map(String.init) },
        numericFrom: 2, highlight: Set(s.calls.indices.filter { s.calls[$0].index == slowest }))
        + BarChart(
          title: "Cycles per call", bars: s.calls.map { .init(label: "\($0.index) \($0.mvau)", value: Double($0.cycles), highlight: $0.index == slowest) },
          format: { TextTable.grouped(Int($0)) }
        ).svg)
    page.section("Utilization of \(r.part)", utilization(r.totals, r.capacity, r.family))
    if let p = r.power { page.section("Power", powerChart(p)) }
    if !r.cpuLayers.isEmpty {
      page.section("Layers on the CPU", HTMLPage.table(["layer", "op", "why"], r.cpuLayers.map { [$0.name, $0.op, $0.reason] }, numericFrom: 9))
    }
    if let roofline = context.roofline { page.section("Roofline", roofline) }
    if let host = context.summary?.host { page.section("Host work", hostWork(host)) }
    return page.html
  }

  /// `yosys ... on PART: N LUT, ...; estimate error LUT x%`.
  static func synthesized(_ s: SynthesisReport) -> String {
    let t = s.totals
    let errors = ["lut", "ff", "dsp", "bram18"].compactMap { k in s.errorPct[k].map { String(format: "%@ %+.1f%%", k.uppercased(), $0) } }
    return "Synthesized (\(s.tool) on \(s.part)): \(t.lut) LUT, \(t.ff) FF, \(t.dsp) DSP, \(t.bram18) BRAM18, \(t.ebr) EBR"
      + (errors.isEmpty ? "." : "; estimate error \(errors.joined(separator: ", ")).")
  }

  /// Bars of each resource's share of the part, in percent.
  static func utilization(_ used: Resources, _ capacity: Resources, _ family: DeviceFamily) -> String {
    var kinds = [("LUT", used.lut, capacity.lut), ("FF", used.ff, capacity.ff), ("DSP", used.dsp, capacity.dsp)]
    kinds += family == .ice40 ? [("EBR", used.ebr, capacity.ebr)] : [("BRAM18", used.bram18, capacity.bram18), ("URAM", used.uram, capacity.uram)]
    let bars = kinds.filter { $0.2 > 0 }.map { name, u, c in
      BarChart.Bar(label: name, value: 100 * Double(u) / Double(c), detail: "\(u) of \(c)", highlight: u > c)
    }
    return BarChart(title: "Share of the part (%)", bars: bars, scaleMax: 100, format: { String(format: "%.1f%%", $0) }).svg
  }

  /// Static power and each dynamic class, in watts.
  static func powerChart(_ p: PowerEstimate) -> String {
    let bars = [BarChart.Bar(label: "static", value: p.staticWatts)] + PowerEstimate.classes.map { BarChart.Bar(label: $0, value: p.dynamic[$0] ?? 0) }
    return BarChart(title: String(format: "Power: %.3f W (toggle rate %.3f, %@)", p.watts, p.toggleRate, p.toggleSource), bars: bars, format: { String(format: "%.4f W", $0) }).svg
      + HTMLPage.paragraph("Docs/power.md: the part's static power plus dynamic power per resource class × clock × toggle rate; recalled coefficients, ±50%.")
  }

  /// The host prologue and epilogue.
  static func hostWork(_ host: CompileSummary.Host) -> String {
    let rows = host.prologue.map { ["before", $0.name, $0.op, $0.reason] } + host.epilogue.map { ["after", $0.name, $0.op, $0.reason] }
    guard !rows.isEmpty else { return HTMLPage.paragraph("None: the accelerator takes the model's input and gives its output.") }
    return HTMLPage.table(["when", "node", "op", "why on the host"], rows, numericFrom: 9)
  }
}
