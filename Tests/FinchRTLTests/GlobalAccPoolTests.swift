import FinchCost
import FinchIR
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// finch_global_acc_pool against the interpreter, behind a thresholding layer
/// at another PE (a width converter between them): signed and unsigned
/// inputs, one to all channels per word, in Verilator and Icarus, with and
/// without stalls; every frame ends when the handshake model says.
final class GlobalAccPoolTests: XCTestCase {
  func testSumsMatchTheInterpreterAndTheHandshakeModel() throws {
    let cases: [(DataType, [Int], pe: Int, thresholdPE: Int, Simulation.Simulator, stall: Int)] = [
      (.uint(2), [1, 4, 4, 6], 1, 2, .verilator, 0),
      (.int(3), [1, 5, 3, 6], 3, 1, .verilator, 300),
      (.int(4), [1, 2, 2, 4], 4, 4, .icarus, 0),
      (.uint(4), [1, 1, 1, 5], 5, 5, .verilator, 500),
    ]
    for (k, (type, shape, pe, thresholdPE, simulator, stall)) in cases.enumerated() {
      let steps = Int(type.max - type.min)
      var g = Graph(
        name: "gap", inputs: ["x"], outputs: ["y"],
        nodes: [
          Node(name: "t", op: .thresholding(MultiThreshold(outScale: 1, outBias: type.min == 0 ? 0 : Float(type.min), outType: type, channelsLast: true)),
               inputs: ["x", "thresholds"], outputs: ["levels"]),
          Node(name: "pool", op: .globalAccPool, inputs: ["levels"], outputs: ["y"]),
        ],
        initializers: ["thresholds": Tensor(shape: [1, steps], floats: (0..<steps).map { Float($0 * 3 - 20) })],
        types: ["x": ValueType(shape: Shape(shape), dataType: .int(6))])
      try g.inferTypes()
      try g.verify()
      let layers = try HardwareLayer.layers(of: g)
      let design = try Design(graph: g, folding: NetworkFolding(layers, [LayerFolding(pe: thresholdPE), LayerFolding(pe: pe)]))
      XCTAssertTrue(design.instances.contains { $0.module == "finch_global_acc_pool" })
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-gap-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      let samples = RandomQNN.inputs(for: g, samples: 3, seed: UInt64(k))
      let report = try AcceleratorCheck(graph: g, design: design).run(
        samples: samples, directory: dir, simulator: simulator, stall: stall,
        estimatedCyclesPerFrame: zip(layers, design.pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max()!)
      let label = "case \(k): \(type) \(shape) PE \(pe) \(simulator) stall \(stall)"
      XCTAssertEqual(report.mismatches, 0, label)
      XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, label)
    }
  }
}
