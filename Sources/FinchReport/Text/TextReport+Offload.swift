import FinchCost
import FinchOffload
import Foundation

extension TextReport {
  /// An offload design: the engine's parameters and where they come from, its
  /// resources unit by unit against the part, cycles per engine call,
  /// frames/s and latency, the layers left to the CPU with their reasons, and
  /// the verdict on the target frames/s when one was asked for.
  public static func offload(_ r: OffloadDesign.Report) -> String {
    let e = r.engine, s = r.estimate
    var lines = [
      "offload engine on \(r.board) (\(r.part)), \(r.engineSource):",
      "  PE \(e.pe), SIMD \(e.simd), weights \(e.weightBits) bit, activations \(e.activationBits) bit, accumulator \(e.thresholdBits) bit, "
        + "max kernel \(e.maxKernel), max channels \(e.maxChannels), max image \(e.maxImageSize), "
        + "weight depth \(e.weightDepth), threshold depth \(e.thresholdDepth), memory word \(e.memoryWordBits) bit",
    ]
    lines.append(TextTable.align([["unit", "LUT", "FF", "DSP", "BRAM18", "URAM", "EBR"]] + r.units.map { [$0.name] + resourceCells($0.resources) }))
    lines.append(totals(r.totals, of: r.capacity, board: r.board, part: r.part, family: r.family) + (r.fits ? "" : ": the engine does NOT fit"))
    let header = ["call", "layer", "tile", "compute", "load", "activations", "cycles"]
    let calls = s.calls.map { c in ["\(c.index)", c.mvau] + [c.tile, c.computeCycles, c.loadCycles, c.activationCycles, c.cycles].map(String.init) }
    lines.append(TextTable.align([header] + calls, leftColumns: 2))
    lines.append(
      "\(TextTable.grouped(s.fps)) frames/s at \(TextTable.number(s.clockMHz)) MHz and \(TextTable.number(r.bandwidthGBps)) GB/s "
        + "(\(String(format: "%.1f", s.bytesPerCycle)) bytes/cycle): \(TextTable.grouped(s.cycles)) cycles per frame "
        + "(compute \(TextTable.grouped(s.computeCycles)), weight and threshold loads \(TextTable.grouped(s.loadCycles))), "
        + "latency \(String(format: "%.3f", s.latencyMs)) ms, \(TextTable.grouped(s.bytes)) bytes moved per frame")
    if let power = r.power { lines.append(Self.power(power, fps: s.fps)) }
    if r.cpuLayers.isEmpty {
      lines.append("every hardware layer runs on the engine")
    } else {
      lines.append("on the CPU:")
      lines += r.cpuLayers.map { "  \($0.name) (\($0.op)): \($0.reason)" }
    }
    if let target = r.targetFPS {
      lines.append("target \(TextTable.grouped(target)) frames/s: " + (r.targetMet ? "met" : "NOT met"))
    }
    return lines.joined(separator: "\n")
  }

  /// The one-line account of an offload build.
  public static func offloadBuild(_ r: OffloadDesign.Report, folder: String) -> String {
    let t = r.totals
    return "built \(folder): offload engine PE \(r.engine.pe) SIMD \(r.engine.simd), \(r.estimate.calls.count) calls per frame, "
      + "\(TextTable.grouped(r.estimate.fps)) frames/s estimated at \(TextTable.number(r.estimate.clockMHz)) MHz, \(t.lut) LUT, "
      + (r.family == .ice40 ? "\(t.ebr) EBR" : "\(t.bram18) BRAM18") + ", \(t.dsp) DSP on \(r.part); "
      + "\(r.cpuLayers.count) hardware layer\(r.cpuLayers.count == 1 ? "" : "s") on the CPU"
  }
}
