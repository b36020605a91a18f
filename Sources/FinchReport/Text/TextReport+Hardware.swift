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
        r.firstFrameLatencyCycles)
        + (r.estimatedFirstFrameLatencyCycles.map {
          String(format: " (latency model %d, %+.1f%%)", $0, 100 * (Double(r.firstFrameLatencyCycles) / Double(max($0, 1)) - 1))
        } ?? ""),
      String(format: "simulation: %.0f cycles/s (build %.1f s)", r.simCyclesPerSecond, r.buildSeconds),
    ].joined(separator: "\n") + (r.modelledFrameEndCycles.map { modelled in
      modelled == r.frameEndCycles
        ? "\nevery frame ended in the cycle the handshake model says"
        : "\nframes ended in cycles \(r.frameEndCycles), the handshake model says \(modelled): the model or the Verilog changed without the other"
    } ?? "")
  }

  /// An offload build's simulation: frames checked and mismatches, each
  /// engine call's simulated cycles against the cost model, and the frame's
  /// engine cycles and frames/s at the clock.
  public static func offloadSimulation(_ r: OffloadCheck.Report) -> String {
    let calls = r.calls.map { c in
      ["\(c.index)", c.layer, "\(c.tile)", TextTable.grouped(Int(c.cycles.rounded())), TextTable.grouped(c.estimatedCycles), String(format: "%+.1f%%", c.errorPct)]
    }
    let error = 100 * (r.cyclesPerFrame / Double(max(r.estimatedCyclesPerFrame, 1)) - 1)
    var lines = [
      "\(r.frames) frames on the offload engine in \(r.simulator): \(r.mismatches) mismatches"
        + (r.mismatches == 0 ? " (bit-exact with the interpreter)" : ", first in frame \(r.firstMismatch ?? 0)"),
      String(
        format: "DRAM: latency %d, %.2f GB/s (%.2f bytes/cycle), stall %.2f, seed %llu", r.dram.latency, r.dram.bandwidthGBps,
        r.dram.bytesPerCycle, r.dram.stall, r.dram.seed),
      TextTable.align([["call", "layer", "tile", "cycles", "(model)", "error"]] + calls, leftColumns: 2),
      String(
        format: "%@ engine cycles/frame (cost model %@, %+.1f%%): %@ frames/s at %@ MHz (model %@)", TextTable.grouped(Int(r.cyclesPerFrame.rounded())),
        TextTable.grouped(r.estimatedCyclesPerFrame), error, TextTable.grouped(r.fps), TextTable.number(r.clockMHz), TextTable.grouped(r.estimatedFPS)),
    ]
    if !r.cpuLayers.isEmpty { lines.append("on the CPU (CPU backend, not timed): \(r.cpuLayers.joined(separator: ", "))") }
    lines.append(String(format: "simulation: %.0f cycles/s (build %.1f s)", r.simCyclesPerSecond, r.buildSeconds))
    return lines.joined(separator: "\n")
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
