import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The full-size BNN-PYNQ CNV-W1A1 built for pynq-z1 and simulated in
/// Verilator: bit-exact, and the first frame's latency within 10% of
/// ``LatencyEstimate`` (the no-overlap sum FINN reports is 2-3x off), every
/// frame ending when the handshake model says, at the cycle model's rate.
/// CI runs 3,000 frames/s (about 40 s, mostly the Verilator build);
/// `FINCH_CNV_LATENCY_ALL=1` (scripts/check-fifo-depths.sh) adds 1,000.
final class FullSizeCNVLatencyTests: XCTestCase {
  func testFirstFrameLatencyMatchesSimulation() throws {
    var graph = try BNNPynqCNV.make()
    try Pipeline.compile.run(on: &graph)
    let layers = try HardwareLayer.layers(of: graph)
    let samples = RandomQNN.inputs(for: graph, samples: 2, seed: 5)
    var table: [String] = []
    let all = ProcessInfo.processInfo.environment["FINCH_CNV_LATENCY_ALL"] == "1"
    for fps in all ? [3_000.0, 1_000.0] : [3_000.0] {
      let choice = try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(fps))
      let design = try Design(graph: graph, pipeline: choice.pipeline)
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-cnv-latency-\(Int(fps))-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      let estimate = choice.estimate
      let cycles = estimate.layers.map(\.cycles).max() ?? 0
      let report = try AcceleratorCheck(graph: graph, design: design).run(
        samples: samples, directory: dir, simulator: .verilator, stall: 0, estimatedCyclesPerFrame: cycles,
        estimatedFirstFrameLatencyCycles: estimate.firstFrameLatencyCycles)
      XCTAssertEqual(report.mismatches, 0, "CNV at \(fps) frames/s")
      XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, "CNV at \(fps) frames/s: the handshake model's frame ends")
      XCTAssertEqual(report.cyclesPerFrame, Double(cycles), "CNV at \(fps) frames/s: the FIFOs lost cycles")
      let error = Double(report.firstFrameLatencyCycles) / Double(estimate.firstFrameLatencyCycles) - 1
      XCTAssertLessThanOrEqual(
        abs(error), 0.10, "CNV at \(fps) frames/s: first frame after \(report.firstFrameLatencyCycles) cycles vs \(estimate.firstFrameLatencyCycles)")
      table.append(
        String(
          format: "CNV-W1A1 pynq-z1 %.0f frames/s: first frame %d simulated, %d modelled (%+.1f%%), no-overlap sum %d; steady state %.0f cycles/frame (model %d), latency model %d; build %.0f s",
          fps, report.firstFrameLatencyCycles, estimate.firstFrameLatencyCycles, 100 * error, estimate.latencyCycles, report.cyclesPerFrame, cycles,
          estimate.steadyStateLatencyCycles, report.buildSeconds))
    }
    print(table.joined(separator: "\n"))
  }
}
