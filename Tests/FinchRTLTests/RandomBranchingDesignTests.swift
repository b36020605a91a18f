import FinchCost
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// Random networks with residual and concatenation blocks and depthwise
/// convolutions (``RandomQNN/make(seed:branching:)``: fan-outs, sums and
/// concatenations of streams, mixed precisions), compiled to hardware layers, folded for a random frame rate and
/// simulated in Verilator with random stalls: every output equals the
/// interpreter's and every frame ends in the cycle the handshake model says.
///
/// CI runs the first few seeds whose networks branch; `FINCH_RANDOM_DAGS=N`
/// runs the first N (scripts/check-random-dags.sh).
final class RandomBranchingDesignTests: XCTestCase {
  func testRandomBranchingNetworksSimulateExactly() throws {
    let wanted = Int(ProcessInfo.processInfo.environment["FINCH_RANDOM_DAGS"] ?? "") ?? 2
    var checked: [String] = []
    var seed: UInt64 = 0
    while checked.count < wanted && seed < UInt64(40 * wanted) {
      seed += 1
      var graph = RandomQNN.make(seed: seed, branching: true)
      try Pipeline.compile.run(on: &graph)
      guard graph.nodes.contains(where: { $0.op == .addStreams || $0.op == .streamingConcat }), HardwarePartition(graph).unlowered.isEmpty else {
        continue
      }
      var rng = SplitMix64(seed: seed)
      let fps = [1_000.0, 5_000, 20_000, 100_000][rng.int(0...3)]
      let choice = try FoldingChoice(layers: try HardwareLayer.layers(of: graph), board: "pynq-z1", target: .framesPerSecond(fps))
      let joins = Set(graph.nodes.filter { $0.op == .addStreams || $0.op == .streamingConcat }.map(\.op.typeName)).sorted()
      let label = "seed \(seed) at \(Int(fps)) frames/s (\(joins.joined(separator: ", ")))"
      XCTAssertFalse(choice.pipeline.isChain, label)
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-random-dag-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: dir) }
      let report = try AcceleratorCheck(graph: graph, design: try Design(graph: graph, pipeline: choice.pipeline)).run(
        samples: RandomQNN.inputs(for: graph, samples: 3, seed: seed), directory: dir, simulator: .verilator, stall: [0, 200, 300][rng.int(0...2)],
        estimatedCyclesPerFrame: 0)
      XCTAssertEqual(report.mismatches, 0, label)
      XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, label)
      checked.append(label)
    }
    print("random branching designs simulated: \(checked.joined(separator: ", "))")
    XCTAssertEqual(checked.count, wanted, "too few random networks branch and compile to hardware layers only")
  }
}
