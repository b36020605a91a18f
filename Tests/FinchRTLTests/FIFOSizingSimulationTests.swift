import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The FIFO depths ``FIFOSizing`` computes, proved in Verilator on the
/// full-size CNV-W1A1 for pynq-z1 at 3,000 frames/s: at the computed depths
/// the design keeps the model's cycles per frame, exactly, also under random
/// I/O stalls (300/1024); with every FIFO two words deep it loses cycles. The
/// bound is safe, not exact: at the folding the resource model now picks,
/// the FIFO in front of conv4 (987 words computed) keeps the rate at a
/// quarter of that; at an earlier folding the one in front of fc2 (72 words
/// needed by the model) kept it 4 words shallower and lost 651 cycles per
/// frame 16 words shallower. About 75 s (three Verilator builds).
final class FIFOSizingSimulationTests: XCTestCase {
  func testComputedDepthsKeepTheRateAndShallowerOnesLoseIt() throws {
    var graph = try BNNPynqCNV.make()
    try Pipeline.compile.run(on: &graph)
    let layers = try HardwareLayer.layers(of: graph)
    let choice = try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000))
    let period = choice.estimate.layers.map(\.cycles).max() ?? 0
    let samples = RandomQNN.inputs(for: graph, samples: 3, seed: 7)
    func simulate(_ pipeline: DataflowPipeline, stall: Int) throws -> AcceleratorCheck.Report {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-fifo-sizing-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      return try AcceleratorCheck(graph: graph, design: try Design(graph: graph, pipeline: pipeline)).run(
        samples: samples, directory: dir, simulator: .verilator, stall: stall, estimatedCyclesPerFrame: period)
    }
    var table: [String] = []
    for stall in [0, 300] {
      let report = try simulate(choice.pipeline, stall: stall)
      XCTAssertEqual(report.mismatches, 0, "stall \(stall)")
      if stall == 0 { XCTAssertEqual(report.cyclesPerFrame, Double(period), "the computed depths lost cycles") }
      table.append("computed depths, stall \(stall)/1024: \(report.cyclesPerFrame) cycles/frame (model \(period)), exact")
    }
    // Every FIFO two words deep: the schedule's bursts no longer fit and the rate drops.
    let shallowPipeline = try DataflowPipeline(layers: layers, folding: choice.folding, fifoDepth: { _, _ in 2 })
    let shallow = try simulate(shallowPipeline, stall: 0)
    XCTAssertEqual(shallow.mismatches, 0)
    XCTAssertGreaterThan(shallow.cyclesPerFrame, Double(period), "two-word FIFOs kept the rate")
    table.append("every FIFO 2 words: \(shallow.cyclesPerFrame) cycles/frame")
    print(table.joined(separator: "\n"))
  }
}
