import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The minimal FIFO depths (``FIFOSizing/minimalDepths(of:frames:workLimit:)``)
/// proved in Verilator: at them every frame ends when the handshake model
/// says, outputs exact also under random stalls; and each FIFO one word
/// shallower ends a frame later in Verilator too, the loss where the model
/// says a word is needed. CI shrinks every FIFO of TFC-W1A1 at 20,000
/// frames/s and runs the full-size CNV under stalls (about 60 s);
/// `FINCH_FIFO_SHRINK_CNV=1` (scripts/check-fifo-depths.sh) shrinks every
/// FIFO of the full-size CNV at 3,000 frames/s instead (about 5 minutes).
/// FullSizeCNVLatencyTests runs the same CNV without stalls.
final class FIFOSizingSimulationTests: XCTestCase {
  private func simulate(_ graph: Graph, _ pipeline: DataflowPipeline, samples: Tensor, stall: Int) throws -> AcceleratorCheck.Report {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-fifo-sizing-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let period = zip(pipeline.layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 0
    let report = try AcceleratorCheck(graph: graph, design: try Design(graph: graph, pipeline: pipeline)).run(
      samples: samples, directory: dir, simulator: .verilator, stall: stall, estimatedCyclesPerFrame: period)
    XCTAssertEqual(report.mismatches, 0, "stall \(stall)")
    XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, "stall \(stall): the handshake model's frame ends")
    return report
  }

  func testMinimalDepthsKeepTheScheduleAndOneWordLessLosesIt() throws {
    let full = ProcessInfo.processInfo.environment["FINCH_FIFO_SHRINK_CNV"] == "1"
    var cnv = try BNNPynqCNV.make()
    try Pipeline.compile.run(on: &cnv)
    let cnvChoice = try FoldingChoice(layers: try HardwareLayer.layers(of: cnv), board: "pynq-z1", target: .framesPerSecond(3000))
    let cnvSamples = RandomQNN.inputs(for: cnv, samples: 3, seed: 7)
    var table: [String] = []
    if !full {
      let stalled = try simulate(cnv, cnvChoice.pipeline, samples: cnvSamples, stall: 300)
      table.append("CNV-W1A1 minimal depths, stall 300/1024: frames end at \(stalled.frameEndCycles), as modelled, exact")
    }
    let (graph, pipeline, samples): (Graph, DataflowPipeline, Tensor)
    if full {
      (graph, pipeline, samples) = (cnv, cnvChoice.pipeline, cnvSamples)
    } else {
      let fixture = Fixture(name: "tfc_w1a1")
      var tfc = try fixture.model()
      try Pipeline.compile.run(on: &tfc)
      let tfcChoice = try FoldingChoice(layers: try HardwareLayer.layers(of: tfc), board: "pynq-z1", target: .framesPerSecond(20_000))
      (graph, pipeline, samples) = (tfc, tfcChoice.pipeline, try fixture.inputs().firstSamples(3))
    }
    XCTAssertEqual(pipeline.fifoSizing, .minimal)
    let minimal = try simulate(graph, pipeline, samples: samples, stall: 0)
    table.append("\(graph.name) minimal depths: frames end at \(minimal.frameEndCycles)")
    for e in pipeline.elements {
      guard case .fifo(let depth) = e.kind, depth > 1 else { continue }
      let shallower = try simulate(graph, pipeline.withFIFODepths([e.name: depth - 1]), samples: samples, stall: 0)
      XCTAssertTrue(
        zip(shallower.frameEndCycles, minimal.frameEndCycles).contains { $0 > $1 }, "\(e.name) at \(depth - 1) words kept every frame's end")
      table.append("\(e.name) \(depth) → \(depth - 1) words: frames end at \(shallower.frameEndCycles)")
    }
    print(table.joined(separator: "\n"))
  }
}
