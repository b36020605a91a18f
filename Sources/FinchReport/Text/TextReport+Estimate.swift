import FinchCost
import Foundation

extension TextReport {
  /// The per-element table (cycles per frame, the first frame's first and
  /// last output cycle), totals against the part, frames/s and latency, and the
  /// verdict on `requested` frames/s.
  public static func estimate(_ e: Estimate, fastestFPS: Double, requested: Double?) -> String {
    var rows = [["layer", "op", "PE", "SIMD", "cycles", "first out", "last out", "LUT", "FF", "DSP", "BRAM18", "URAM", "EBR"]]
    for l in e.layers {
      rows.append([l.name, l.op] + [l.pe, l.simd, l.cycles, l.firstOutputCycle, l.lastOutputCycle].map(String.init) + resourceCells(l.resources))
    }
    let c = e.capacity
    var lines = [TextTable.align(rows, leftColumns: 2)]
    lines.append(totals(e.totals, of: c, board: e.board, part: e.part, family: e.family))
    lines.append(String(format: "%.1f frames/s at %.0f MHz; bottleneck %@", e.fps, e.clockMHz, e.bottleneck))
    lines.append(latency(e))
    if let power = e.power { lines.append(Self.power(power, fps: e.fps)) }
    if let fifos = fifos(e) { lines.append(fifos) }
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

  /// A row's resource cells: LUT, FF, DSP, BRAM18, URAM, EBR.
  static func resourceCells(_ r: Resources) -> [String] { [r.lut, r.ff, r.dsp, r.bram18, r.uram, r.ebr].map(String.init) }

  /// `total on BOARD (PART): LUT used/capacity (share), ...`, block RAM in the family's own blocks.
  static func totals(_ t: Resources, of c: Resources, board: String, part: String, family: DeviceFamily) -> String {
    "total on \(board) (\(part)): LUT \(TextTable.share(t.lut, c.lut)), FF \(TextTable.share(t.ff, c.ff)), "
      + "DSP \(TextTable.share(t.dsp, c.dsp)), "
      + (family == .ice40
        ? "EBR \(TextTable.share(t.ebr, c.ebr))" : "BRAM18 \(TextTable.share(t.bram18, c.bram18)), URAM \(TextTable.share(t.uram, c.uram))")
  }

  /// `latency: first frame N cycles (us), steady state M cycles (us); no-overlap sum S`.
  static func latency(_ e: Estimate) -> String {
    String(
      format: "latency: first frame %d cycles (%.1f us), steady state %d cycles (%.1f us); no-overlap sum %d cycles",
      e.firstFrameLatencyCycles, Double(e.firstFrameLatencyCycles) / e.clockMHz, e.steadyStateLatencyCycles,
      Double(e.steadyStateLatencyCycles) / e.clockMHz, e.latencyCycles)
  }

  /// `power: W W (static S W, dynamic D W: class W, ...), F frames/s per W (toggle rate T, default)`.
  public static func power(_ p: PowerEstimate, fps: Double) -> String {
    let classes = PowerEstimate.classes.compactMap { k in
      p.dynamic[k].flatMap { $0 > 0 ? String(format: "%@ %.3f", k, $0) : nil }
    }
    return String(
      format: "power: %.3f W (static %.3f W, dynamic %.3f W: %@), %.1f frames/s per W (toggle rate %.3f, %@; Docs/power.md, +-50%%)", p.watts,
      p.staticWatts, p.dynamicWatts, classes.joined(separator: ", "), p.fpsPerWatt(fps), p.toggleRate, p.toggleSource)
  }

  /// `FIFOs: N, depths d1, d2, ... words (how they were sized)`, when the design has FIFOs.
  static func fifos(_ e: Estimate) -> String? {
    let depths = e.layers.compactMap(\.depth)
    guard !depths.isEmpty else { return nil }
    let how: String
    switch e.fifoSizing {
    case .minimal: how = "the least that keep the simulated schedule"
    case .scheduleBound: how = "the latency model's bound; too long a design to simulate"
    case .simulated: how = "depths that keep the simulated schedule (a design that branches: not searched lower)"
    case .given: how = "as given"
    case nil: how = "sizing not recorded"
    }
    return "FIFOs: \(depths.count), \(depths.reduce(0, +)) words (\(depths.map(String.init).joined(separator: ", "))): \(how)"
  }

  /// The account of a build: layers, frames/s, resources, then its latency.
  public static func build(_ e: Estimate, folder: String, layers: Int) -> String {
    String(
      format: "built %@: %d hardware layers, %.1f frames/s estimated at %.0f MHz, %d LUT, %@, %d DSP on %@",
      folder, layers, e.fps, e.clockMHz, e.totals.lut, e.family == .ice40 ? "\(e.totals.ebr) EBR" : "\(e.totals.bram18) BRAM18",
      e.totals.dsp, e.part) + "\n" + latency(e) + (e.power.map { "\n" + power($0, fps: e.fps) } ?? "")
  }
}
