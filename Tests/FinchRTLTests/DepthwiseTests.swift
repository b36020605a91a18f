import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// finch_vvau against the interpreter: a sliding window unit and a VVAU on
/// random weights (signed, unsigned, bipolar), with and without thresholds,
/// PE 1 to all channels; and the whole depthwise-separable fixture, built as
/// `finch build` builds it, with and without stalls. Every frame ends when
/// the handshake model says.
final class DepthwiseTests: XCTestCase {
  private func check(_ graph: Graph, _ pipeline: DataflowPipeline, samples: Tensor, stall: Int, simulator: Simulation.Simulator = .verilator,
                     _ label: String) throws -> AcceleratorCheck.Report {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-vvau-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let period = zip(pipeline.layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 0
    let report = try AcceleratorCheck(graph: graph, design: try Design(graph: graph, pipeline: pipeline)).run(
      samples: samples, directory: dir, simulator: simulator, stall: stall, estimatedCyclesPerFrame: period)
    XCTAssertEqual(report.mismatches, 0, label)
    XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, label)
    return report
  }

  func testRandomDepthwiseLayersMatchTheInterpreter() throws {
    var rng = SplitMix64(seed: 23)
    let cases: [(DataType, DataType, channels: Int, pe: Int, thresholded: Bool, Simulation.Simulator)] = [
      (.uint(4), .int(4), 6, 2, true, .verilator), (.int(3), .bipolar, 5, 5, true, .verilator),
      (.uint(2), .uint(3), 4, 1, false, .icarus), (.int(8), .int(2), 3, 3, false, .verilator),
    ]
    for (k, (inType, wType, c, pe, thresholded, simulator)) in cases.enumerated() {
      var g = Graph(name: "vvau", inputs: ["x"], outputs: ["y"], nodes: [], initializers: [:], types: [:])
      g.types["x"] = ValueType(shape: [1, 5, 4, c], dataType: inType)
      g.nodes.append(Node(name: "swu", op: .swu(SWU(kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1])),
                          inputs: ["x"], outputs: ["windows"]))
      let weights = (0..<(9 * c)).map { _ in wType == .bipolar ? Float(rng.chance(0.5) ? 1 : -1) : Float(rng.int(Int(wType.min)...Int(wType.max))) }
      g.addConstant("w", Tensor(shape: [9, c], floats: weights), dataType: wType)
      var inputs = ["windows", "w"], unit = MVAU(xnor: false)
      if thresholded {
        let t = (0..<c).flatMap { _ in (0..<3).map { _ in Float(rng.int(-40...40)) }.sorted() }
        g.addConstant("t", Tensor(shape: [c, 3], floats: t))
        inputs.append("t")
        unit = MVAU(xnor: false, outScale: 1, outBias: -1, outType: .int(3))
      }
      g.nodes.append(Node(name: "dw", op: .vvau(unit), inputs: inputs, outputs: ["y"]))
      try g.inferTypes()
      try g.verify()
      let layers = try HardwareLayer.layers(of: g)
      let pipeline = try DataflowPipeline(layers: layers, folding: try NetworkFolding(layers, [LayerFolding(pe: 1, simd: 1), LayerFolding(pe: pe)]))
      _ = try check(g, pipeline, samples: RandomQNN.inputs(for: g, samples: 2, seed: UInt64(k)), stall: k == 1 ? 300 : 0, simulator: simulator,
                    "case \(k): \(inType) × \(wType), \(c) channels, PE \(pe), thresholds \(thresholded)")
    }
  }

  /// The depthwise-separable fixture, folded for 1,000 frames/s on a PYNQ-Z1:
  /// outputs exact, cycles per frame within 5% of the cycle model.
  func testDepthwiseSeparableFixtureRunsBitExact() throws {
    let fixture = Fixture(name: "dwsep_w4a4_small")
    var graph = try fixture.model()
    try Pipeline.compile.run(on: &graph)
    let choice = try FoldingChoice(layers: try HardwareLayer.layers(of: graph), board: "pynq-z1", target: .framesPerSecond(1000))
    for stall in [0, 300] {
      let report = try check(graph, choice.pipeline, samples: try fixture.inputs().firstSamples(2), stall: stall, "stall \(stall)")
      if stall == 0 {
        let period = zip(choice.pipeline.layers, choice.pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max()!
        let measured = report.frameEndCycles[1] - report.frameEndCycles[0]
        XCTAssertLessThanOrEqual(abs(Double(measured - period)) / Double(period), 0.05, "\(measured) cycles/frame against \(period)")
      }
    }
  }
}
