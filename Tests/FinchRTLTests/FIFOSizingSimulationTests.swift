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
/// I/O stalls (300/1024); the deepest FIFO made a quarter as deep costs
/// cycles. The bound is safe, not exact: at an earlier folding the FIFO in
/// front of fc2 (72 words needed by the model) kept the rate 1 and 4 words
/// shallower and lost 651 cycles per frame 16 words shallower. About 75 s
/// (three Verilator builds).
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
    // The deepest FIFO, a quarter as deep.
    let deepest = try XCTUnwrap(
      choice.pipeline.layers.compactMap { l in choice.pipeline.fifoDepth(feeding: l.name).map { (l.name, $0) } }.max { $0.1 < $1.1 })
    let shallow = try simulate(choice.pipeline.resizingFIFO(feeding: deepest.0, to: max(deepest.1 / 4, 2)), stall: 0)
    XCTAssertEqual(shallow.mismatches, 0)
    XCTAssertGreaterThan(shallow.cyclesPerFrame, Double(period), "a quarter of the FIFO in front of \(deepest.0) kept the rate")
    table.append("fifo_\(deepest.0) \(max(deepest.1 / 4, 2)) words (computed \(deepest.1)): \(shallow.cyclesPerFrame) cycles/frame")
    print(table.joined(separator: "\n"))
  }
}
