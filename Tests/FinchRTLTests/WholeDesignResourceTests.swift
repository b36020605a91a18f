import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// Whole designs against the resource model fitted to module-level synthesis
/// (Docs/cost-model.md): every fixture and random mixed-precision networks the
/// characterization sweep never saw, folded for a frame rate on pynq-z1
/// (xc7z020) and ultra96 (xczu3eg), synthesized with Yosys: total LUTs
/// within ±10%, DSP slices and BRAM18 exact.
///
/// CI synthesizes a slice (TFC-W1A1 on xc7z020); `scripts/check-resource-model.sh`
/// (FINCH_WHOLE_DESIGNS=1) runs all 14 designs, prints the table and fails on
/// any beyond the bound (not all are within it yet: Docs/cost-model.md).
final class WholeDesignResourceTests: XCTestCase {
  /// Random networks (``RandomQNN`` seeds) checked: 1–8 bit layers, two with DSP multipliers.
  static let randomSeeds: [UInt64] = [3, 5, 11, 21]

  func testWholeDesignEstimatesMatchSynthesis() throws {
    let all = ProcessInfo.processInfo.environment["FINCH_WHOLE_DESIGNS"] == "1"
    var designs: [(String, Graph, Double)] = []
    for (name, fps) in [("tfc_w1a1", 100_000.0), ("tfc_w2a2", 100_000), ("cnv_w1a1_small", 20_000)] where all || name == "tfc_w1a1" {
      designs.append((name, try Fixture(name: name).model(), fps))
    }
    for seed in Self.randomSeeds where all {
      designs.append(("random seed \(seed)", RandomQNN.make(seed: seed), 50_000))
    }
    var table: [String] = []
    var failures: [String] = []
    for (name, model, fps) in designs {
      var graph = model
      try Pipeline.compile.run(on: &graph)
      let layers = try HardwareLayer.layers(of: graph)
      for board in all ? ["pynq-z1", "ultra96"] : ["pynq-z1"] {
        let choice = try FoldingChoice(layers: layers, board: board, target: .framesPerSecond(fps))
        let design = try Design(graph: graph, pipeline: choice.pipeline)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-whole-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = try design.write(to: dir)
        let report = try Synthesizer.run(
          directory: dir, sources: sources, part: choice.device.part, inputWidth: design.manifest.input.wordBits,
          outputWidth: design.manifest.output.wordBits, names: [:], estimates: [:], estimateTotals: choice.estimate.totals)
        let (e, s) = (choice.estimate.totals, report.totals)
        let lutError = 100 * Double(e.lut - s.lut) / Double(max(s.lut, 1))
        let ffError = 100 * Double(e.ff - s.ff) / Double(max(s.ff, 1))
        let row = String(
          format: "%-18@ %-8@ %@ LUT %6d est %6d (%+5.1f%%)  FF %6d est %6d (%+5.1f%%)  DSP %3d est %3d  BRAM18 %3d est %3d  %.0f s",
          name as NSString, choice.device.part.name as NSString, e.dsp > 0 ? "dsp" : "lut", s.lut, e.lut, lutError, s.ff, e.ff, ffError, s.dsp, e.dsp,
          s.bram18, e.bram18, report.seconds)
        table.append(row)
        if abs(lutError) > 10 || e.dsp != s.dsp || e.bram18 != s.bram18 { failures.append(row) }
      }
    }
    print("Whole designs, Yosys against the estimate:\n" + table.joined(separator: "\n"))
    XCTAssertEqual(failures, [], "beyond ±10% LUT or not exact in DSP/BRAM18")
  }
}
