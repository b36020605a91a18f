@testable import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// ``FIFOSizing/minimalDepths(of:frames:workLimit:)`` in the handshake model
/// (which FinchRTLTests prove cycle-exact against Verilator): on the fixtures
/// at two foldings, random networks and the full-size CNV, the minimal depths
/// end every frame when FIFOs that never fill would, keep that rate over a
/// longer run than the one they were sized on, and each FIFO one word
/// shallower ends a frame later.
final class MinimalFIFODepthTests: XCTestCase {
  private func layers(_ graph: Graph) throws -> [HardwareLayer] {
    var graph = graph
    try Pipeline.compile.run(on: &graph)
    return try HardwareLayer.layers(of: graph)
  }

  /// The checks above on `pipeline`, sized minimal; returns a line for the log.
  private func check(_ pipeline: DataflowPipeline, _ label: String) -> String {
    XCTAssertEqual(pipeline.fifoSizing, .minimal, label)
    let unbounded = pipeline.fifoDepths.mapValues { _ in Int.max }
    let reference = StreamSimulation(pipeline, frames: 3).run(depths: unbounded)
    XCTAssertEqual(StreamSimulation(pipeline, frames: 3).run().frameEnds, reference.frameEnds, "\(label): the minimal depths lose cycles")
    let long = StreamSimulation(pipeline, frames: 8)
    XCTAssertEqual(long.run().frameEnds, long.run(depths: unbounded).frameEnds, "\(label): the rate is not kept over 8 frames")
    var depths: [String] = []
    for (i, depth) in pipeline.fifoDepths.sorted(by: { $0.key < $1.key }) {
      depths.append("\(depth)")
      guard depth > 1 else { continue }
      let shallower = StreamSimulation(pipeline, frames: 3).run(depths: [i: depth - 1])
      XCTAssertNotEqual(shallower.frameEnds, reference.frameEnds, "\(label): \(pipeline.elements[i].name) keeps the schedule at \(depth - 1) words")
    }
    return "\(label): frames end at \(reference.frameEnds); FIFO depths \(depths.joined(separator: " "))"
  }

  func testFixturesAtTwoFoldings() throws {
    var lines: [String] = []
    for name in ["tfc_w1a1", "tfc_w2a2", "cnv_w1a1_small"] {
      let layers = try layers(try Fixture(name: name).model())
      let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 70_560, ff: 141_120, dsp: 360, bram18: 432), family: .xc7)
      for fps in [2_000.0, 20_000.0] {
        let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, solver.solve(targetCycles: Int(100e6 / fps))))
        lines.append(check(pipeline, "\(name) at \(Int(fps)) frames/s"))
      }
    }
    print(lines.joined(separator: "\n"))
  }

  func testRandomNetworks() throws {
    for seed: UInt64 in [3, 5, 21] {
      let layers = try layers(RandomQNN.make(seed: seed))
      let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 70_560, ff: 141_120, dsp: 360, bram18: 432), family: .xc7)
      let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, solver.solve(targetCycles: 2_000)))
      print(check(pipeline, "random seed \(seed)"))
    }
  }

  /// The full-size CNV-W1A1 at 3,000 frames/s on pynq-z1 (issue 15's design):
  /// several times shallower than the latency model's bound.
  func testFullSizeCNV() throws {
    let layers = try layers(try BNNPynqCNV.make())
    let choice = try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000))
    print(check(choice.pipeline, "CNV-W1A1 at 3,000 frames/s"))
    let bound = try DataflowPipeline(layers: layers, folding: choice.folding, sizing: .scheduleBound)
    func words(_ p: DataflowPipeline) -> Int { p.fifoDepths.values.reduce(0, +) }
    print("FIFO words: \(words(choice.pipeline)) minimal, \(words(bound)) by the schedule bound")
    XCTAssertLessThan(words(choice.pipeline) * 3, words(bound))
  }

  /// A run resumed from a checkpoint of a parent run, and ended where it is
  /// back in the parent's state, shows what a run from reset shows: the
  /// same frame ends and the same depth used by every FIFO; and so does one
  /// that replays the parent downstream of the FIFO it changes, leaving the
  /// same trace (checkpoints, first pushes, intervals, output handshakes) as
  /// one that simulates everything.
  func testResumedJoinedAndReplayedRunsMatchRunsFromReset() throws {
    let layers = try layers(try Fixture(name: "cnv_w1a1_small").model())
    let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 70_560, ff: 141_120, dsp: 360, bram18: 432), family: .xc7)
    let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, solver.solve(targetCycles: 5_000)), sizing: .scheduleBound)
    let simulation = StreamSimulation(pipeline, frames: 3)
    let fifos = pipeline.fifoDepths.keys.sorted()
    let parent = simulation.traced(depths: [:], deadlines: nil, checkpointEvery: 500, recording: Array(fifos.indices))
    var (joined, replayedToTheEnd, diverged) = (0, 0, 0)
    for (ordinal, i) in fifos.enumerated() {
      let used = parent.result.fifoDepthsUsed[i]!
      for depth in Set([1, used / 2, used - 1]) where depth >= 1 && depth < used {
        let fresh = simulation.run(depths: [i: depth])
        let start = parent.trace.resumption(fifo: ordinal, depth: depth)
        let recording = Array(fifos.indices)
        let resumed = simulation.traced(
          depths: [i: depth], deadlines: nil, from: start, parent: parent.trace, checkpointEvery: 500, recording: recording)
        let replayed = simulation.traced(
          depths: [i: depth], deadlines: nil, from: start, parent: parent.trace, checkpointEvery: 500, replaying: ordinal, recording: recording)
        let name = "\(pipeline.elements[i].name) at \(depth) words"
        XCTAssertEqual(resumed.result, fresh, name)
        XCTAssertEqual(replayed.result, fresh, name)
        XCTAssertEqual(replayed.trace.checkpoints, resumed.trace.checkpoints, name)
        XCTAssertEqual(replayed.trace.firstPush, resumed.trace.firstPush, name)
        XCTAssertEqual(replayed.trace.held, resumed.trace.held, name)
        XCTAssertEqual(replayed.trace.pushed, resumed.trace.pushed, name)
        XCTAssertEqual(replayed.trace.joinedAt, resumed.trace.joinedAt, name)
        let cycles = replayed.trace.frameEnds.last ?? 0
        XCTAssertEqual(replayed.trace.outputs.bits(through: cycles), resumed.trace.outputs.bits(through: cycles), name)
        if resumed.trace.joinedAt != nil { joined += 1 }
        if replayed.trace.outputs.bits(through: cycles) == parent.trace.outputs.bits(through: cycles) { replayedToTheEnd += 1 } else { diverged += 1 }
      }
    }
    print("\(joined) resumed runs ended early by joining their parent; \(replayedToTheEnd) gave words as the parent did throughout, \(diverged) did not")
    XCTAssertGreaterThan(joined, 0)
    XCTAssertGreaterThan(replayedToTheEnd, 0)
    XCTAssertGreaterThan(diverged, 0)
  }

  /// Runs that leave checkpoints stop simulating units at rest (all input
  /// taken and drained, or no word yet arrived): with and without stalls at
  /// the stream ends they show what a run simulating every unit shows, and
  /// record the same output handshakes as one that checks less often.
  func testRunsSkippingUnitsAtRestMatchRunsSimulatingAll() throws {
    let layers = try layers(try Fixture(name: "cnv_w1a1_small").model())
    let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 70_560, ff: 141_120, dsp: 360, bram18: 432), family: .xc7)
    let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, solver.solve(targetCycles: 5_000)), sizing: .scheduleBound)
    let fifos = Array(0..<pipeline.fifoDepths.count)
    for stall in [0, 300] {
      var simulation = StreamSimulation(pipeline, frames: 3)
      simulation.stall = stall
      let all = simulation.run()
      let often = simulation.traced(depths: [:], deadlines: nil, checkpointEvery: 37, recording: fifos)
      let rarely = simulation.traced(depths: [:], deadlines: nil, checkpointEvery: 1_000_000, recording: fifos)
      XCTAssertEqual(often.result, all, "stall \(stall)")
      XCTAssertEqual(rarely.result, all, "stall \(stall)")
      let cycles = all.frameEnds.last ?? 0
      XCTAssertEqual(often.trace.outputs.bits(through: cycles), rarely.trace.outputs.bits(through: cycles), "stall \(stall)")
    }
  }

  /// A design too long to simulate within the work limit keeps the bound.
  func testTooLongADesignKeepsTheScheduleBound() throws {
    let layers = try layers(try Fixture(name: "tfc_w1a1").model())
    let pipeline = try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, layers.map { _ in LayerFolding() }))
    XCTAssertNil(FIFOSizing.minimalDepths(of: pipeline, workLimit: 1_000))
    XCTAssertNotNil(FIFOSizing.minimalDepths(of: pipeline))
  }
}

extension StreamSimulation.OutputRecord {
  /// The words holding cycles up to `cycles`.
  fileprivate func bits(through cycles: Int) -> [UInt64] { Array(words.prefix((cycles / 64 + 1) * stride)) }
}
