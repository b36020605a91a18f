import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The library's branch modules, fan-out (`finch_dup`), elementwise addition
/// (`finch_add`) and concatenation (`finch_concat`), against the interpreter:
/// a block `t = T0(x)`, `a = T1(t)`, `y = join(a, t)` of thresholding layers,
/// stitched as every design is (the skip path through its own FIFO), at
/// several PEs and datatypes, with and without stalls, in Verilator and Icarus;
/// every frame ends when the handshake model says.
final class BranchModuleTests: XCTestCase {
  /// A thresholding layer over `channels` channels-last values of `inType` giving `outType`, random thresholds.
  private func thresholding(_ name: String, _ input: String, _ output: String, channels: Int, inType: DataType, outType: DataType,
                            _ rng: inout SplitMix64, into graph: inout Graph) {
    let steps = Int(outType.max - outType.min)
    let t = Tensor(shape: [channels, steps], floats: (0..<channels).flatMap { _ in
      (0..<steps).map { _ in Float(Int64(inType.min) + Int64(rng.next() % UInt64(inType.max - inType.min + 1))) }.sorted()
    })
    graph.initializers["\(name)_t"] = t
    let m = MultiThreshold(outScale: 1, outBias: Float(outType.min), outType: outType, channelsLast: true)
    graph.nodes.append(Node(name: name, op: .thresholding(m), inputs: [input, "\(name)_t"], outputs: [output]))
  }

  /// The block on `[1, 5, channels]` inputs of `inType`, joined by `join` (AddStreams or StreamingConcat).
  private func block(_ join: Op, channels: Int, inType: DataType, skipType: DataType, branchType: DataType, seed: UInt64) throws -> Graph {
    var rng = SplitMix64(seed: seed)
    var g = Graph(name: "branch", inputs: ["x"], outputs: ["y"], nodes: [], initializers: [:], types: ["x": ValueType(shape: [1, 5, channels], dataType: inType)])
    thresholding("T0", "x", "t", channels: channels, inType: inType, outType: skipType, &rng, into: &g)
    thresholding("T1", "t", "a", channels: channels, inType: skipType, outType: branchType, &rng, into: &g)
    g.nodes.append(Node(name: "join", op: join, inputs: ["a", "t"], outputs: ["y"]))
    try g.inferTypes()
    return g
  }

  func testBranchJoinsMatchTheInterpreter() throws {
    let cases: [(join: Op, channels: Int, pe: Int, inType: DataType, skip: DataType, branch: DataType)] = [
      (.addStreams, 4, 2, .int(4), .int(3), .uint(2)), (.addStreams, 6, 3, .uint(3), .uint(2), .int(3)),
      (.streamingConcat, 4, 2, .int(4), .uint(3), .uint(3)), (.streamingConcat, 6, 1, .uint(3), .int(2), .int(2)),
    ]
    for (k, c) in cases.enumerated() {
      let graph = try block(c.join, channels: c.channels, inType: c.inType, skipType: c.skip, branchType: c.branch, seed: UInt64(k + 1))
      let layers = try HardwareLayer.layers(of: graph)
      let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, layers.map { _ in LayerFolding(pe: c.pe) }))
      XCTAssertEqual(pipeline.elements.filter { $0.kind == .dup }.count, 1, "case \(k)")
      let design = try Design(graph: graph, pipeline: pipeline)
      var rng = SplitMix64(seed: UInt64(100 + k))
      let samples = Tensor(shape: [3, 5, c.channels], floats: (0..<(15 * c.channels)).map { _ in
        Float(Int64(c.inType.min) + Int64(rng.next() % UInt64(c.inType.max - c.inType.min + 1)))
      })
      let runs: [(Simulation.Simulator, Int)] = k % 2 == 0 ? [(.verilator, 0), (.verilator, 300), (.icarus, 300)] : [(.verilator, 300)]
      for (simulator, stall) in runs {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-branch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try AcceleratorCheck(graph: graph, design: design).run(
          samples: samples, directory: dir, simulator: simulator, stall: stall, estimatedCyclesPerFrame: 0)
        XCTAssertEqual(report.mismatches, 0, "case \(k) \(simulator) stall \(stall)")
        XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, "case \(k) \(simulator) stall \(stall)")
      }
    }
  }
}
