import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The residual fixture as a design that branches (fan-outs after Conv_0 and
/// MaxPool_0, two sums of streams): built as `finch build` builds it, its
/// outputs equal the interpreter's in Verilator with and without stalls, and
/// every frame ends in the cycle the handshake model says; a FIFO on a path
/// that reconverges, one word shallower than the schedule needs, is named.
final class ResidualTests: XCTestCase {
  /// The fixture compiled and folded for 1,000 frames/s on a PYNQ-Z1.
  private func build() throws -> (Graph, DataflowPipeline, Fixture) {
    let fixture = Fixture(name: "resnet_w2a2_small")
    var graph = try fixture.model()
    try Pipeline.compile.run(on: &graph)
    let choice = try FoldingChoice(layers: try HardwareLayer.layers(of: graph), board: "pynq-z1", target: .framesPerSecond(1000))
    return (graph, choice.pipeline, fixture)
  }

  private func check(_ graph: Graph, _ pipeline: DataflowPipeline, samples: Tensor, stall: Int, _ label: String) throws -> AcceleratorCheck.Report {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-residual-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let period = zip(pipeline.layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 0
    let report = try AcceleratorCheck(graph: graph, design: try Design(graph: graph, pipeline: pipeline)).run(
      samples: samples, directory: dir, simulator: .verilator, stall: stall, estimatedCyclesPerFrame: period)
    XCTAssertEqual(report.mismatches, 0, label)
    XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, label)
    return report
  }

  func testResidualFixtureRunsBitExact() throws {
    let (graph, pipeline, fixture) = try build()
    XCTAssertFalse(pipeline.isChain)
    XCTAssertEqual(pipeline.elements.filter { $0.kind == .dup }.map(\.name), ["dup_Conv_0", "dup_MaxPool_0"])
    let sums = pipeline.elements.filter { if case .layer(let i) = $0.kind { return pipeline.layers[i].kind == .addStreams } else { return false } }
    XCTAssertEqual(sums.map(\.sources.count), [2, 2])
    for stall in [0, 300] {
      let report = try check(graph, pipeline, samples: try fixture.inputs().firstSamples(2), stall: stall, "stall \(stall)")
      if stall == 0 {
        let period = zip(pipeline.layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max()!
        let measured = report.frameEndCycles[1] - report.frameEndCycles[0]
        XCTAssertLessThanOrEqual(abs(Double(measured - period)) / Double(period), 0.05, "\(measured) cycles/frame against \(period)")
      }
    }
  }

  /// The short branch of the first residual block (the FIFO into Add_0's
  /// second input) at the least depth that keeps the schedule and one word
  /// less: the shallower one ends a frame late or deadlocks, in the
  /// handshake model and in Verilator alike, and the model names the FIFO and its edge.
  func testAReconvergentFIFOOneWordTooShallowIsNamed() throws {
    let (graph, pipeline, fixture) = try build()
    let fifo = try XCTUnwrap(pipeline.elements.firstIndex { $0.name == "fifo_Add_0_1" })
    let simulation = StreamSimulation(pipeline, frames: 2)
    let reference = simulation.run()
    XCTAssertTrue(reference.completed)
    var (low, high) = (0, try XCTUnwrap(pipeline.fifoDepths[fifo]))
    while high - low > 1 {
      let mid = (low + high) / 2
      if simulation.run(depths: [fifo: mid]).frameEnds == reference.frameEnds { high = mid } else { low = mid }
    }
    XCTAssertNil(simulation.blockingFIFO(simulation.run(depths: [fifo: high]), reference: reference))
    let shallow = simulation.run(depths: [fifo: high - 1])
    let message = try XCTUnwrap(simulation.blockingFIFO(shallow, reference: reference))
    XCTAssertTrue(message.contains("FIFO 'fifo_Add_0_1' on the edge 'Quant_9' -> 'Add_0' (input 1)"), message)
    guard shallow.completed else { return }
    let report = try check(
      graph, pipeline.withFIFODepths(["fifo_Add_0_1": high - 1]), samples: try fixture.inputs().firstSamples(2), stall: 0, "depth \(high - 1)")
    XCTAssertEqual(report.frameEndCycles, shallow.frameEnds)
    XCTAssertNotEqual(report.frameEndCycles, reference.frameEnds)
  }
}
