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
/// I/O stalls (300/1024); the FIFO in front of fc2 made 16 words shallower
/// than computed costs cycles (fc2 replays nine neuron folds, 4,608 cycles,
/// while fc1, the bottleneck, keeps emitting a word every 64: the model's 72
/// words). The bound is safe, not exact: 1 and 4 words fewer still kept the
/// rate when tried (fc1's own output FIFO and pipeline hold a few words),
/// 16 fewer lost 651 cycles per frame. About 75 s (three Verilator builds).
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
    let depth = try XCTUnwrap(choice.pipeline.fifoDepth(feeding: "fc2"))
    let shallow = try simulate(choice.pipeline.resizingFIFO(feeding: "fc2", to: depth - 16), stall: 0)
    XCTAssertEqual(shallow.mismatches, 0)
    XCTAssertGreaterThan(shallow.cyclesPerFrame, Double(period), "16 words fewer in front of fc2 kept the rate")
    table.append("fifo_fc2 \(depth - 16) words (computed \(depth)): \(shallow.cyclesPerFrame) cycles/frame")
    print(table.joined(separator: "\n"))
  }
}
