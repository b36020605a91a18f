@testable import FinchCost
import FinchIR
import XCTest

/// A pipeline of layers whose streams fork and join: a fan-out per extra
/// reader, glue on every edge into a layer, a FIFO sized on the short branch
/// of a path that reconverges, the latency of a sum the later of its inputs;
/// streams no layer writes and outputs no layer reads are clear errors.
final class BranchingPipelineTests: XCTestCase {
  /// A thresholding layer of `channels` × 64 pixels reading `inputs`, writing `output`.
  private func threshold(_ name: String, reads inputs: [String], writes output: String, type: DataType = .uint(4)) -> HardwareLayer {
    var l = HardwareLayer(name: name, kind: .thresholding)
    (l.channels, l.vectors, l.thresholds, l.inputType, l.outputType) = (4, 64, 15, .uint(4), type)
    (l.inputBits, l.outputBits, l.inputElements, l.outputElements) = (4, type.bitWidth, 256, 256)
    (l.streamInputs, l.streamOutput) = (inputs, output)
    return l
  }

  private func add(_ name: String, reads inputs: [String], writes output: String) -> HardwareLayer {
    var l = HardwareLayer(name: name, kind: .addStreams)
    (l.channels, l.vectors, l.inputType, l.addendType, l.outputType) = (4, 64, .uint(4), .uint(4), .uint(5))
    (l.inputBits, l.outputBits, l.inputElements, l.outputElements) = (4, 5, 256, 256)
    (l.streamInputs, l.streamOutput) = (inputs, output)
    return l
  }

  private func pipeline(_ layers: [HardwareLayer], pe: Int = 1) throws -> DataflowPipeline {
    try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, layers.map { _ in LayerFolding(pe: pe, simd: 1) }))
  }

  /// `a` feeds three readers (two fan-outs); `b` → `c` is the long branch into the sum, `a` its short one.
  func testThreeReadersTakeTwoFanOutsAndEveryFrameEnds() throws {
    let layers = [
      threshold("a", reads: ["x"], writes: "a"), threshold("b", reads: ["a"], writes: "b"), threshold("c", reads: ["b"], writes: "c"),
      add("s", reads: ["c", "a"], writes: "s"), threshold("t", reads: ["s"], writes: "t", type: .uint(4)), add("u", reads: ["t", "a"], writes: "u"),
    ]
    var layersFixed = layers
    (layersFixed[4].inputType, layersFixed[4].inputBits) = (.uint(5), 5)
    let p = try pipeline(layersFixed)
    XCTAssertFalse(p.isChain)
    XCTAssertEqual(p.elements.filter { $0.kind == .dup }.map(\.name), ["dup_a", "dup_a_1"])
    let names = p.elements.map(\.name)
    // Each sum reads its first input from its long branch, its second from a fan-out of a.
    for (sum, long) in [("s", "fifo_s"), ("u", "fifo_u")] {
      let e = try XCTUnwrap(p[sum])
      XCTAssertEqual(e.sources.map { names[$0.element] }, [long, "\(long)_1"])
      XCTAssertEqual(p[long + "_1"]?.sources.map { names[$0.element].hasPrefix("dup_a") }, [true])
    }
    let run = StreamSimulation(p, frames: 3).run()
    XCTAssertTrue(run.completed)
    XCTAssertEqual(run.frameEnds.count, 3)
    // The latency model's sum waits for its later input (the long branch).
    let latency = LatencyEstimate(p)
    let (s, c) = (names.firstIndex(of: "s")!, names.firstIndex(of: "c")!)
    XCTAssertGreaterThan(latency.elements[s].first, latency.elements[c].first)
  }

  func testAStreamNoLayerWritesAndAnOutputNoLayerReadsAreErrors() throws {
    XCTAssertThrowsError(try pipeline([threshold("a", reads: ["x"], writes: "a"), add("s", reads: ["a", "y"], writes: "s")])) { error in
      XCTAssertEqual(
        (error as? FinchCostError)?.description, "cannot build a dataflow design at layer 's': it reads 'y', which no hardware layer before it writes")
    }
    XCTAssertThrowsError(
      try pipeline([threshold("a", reads: ["x"], writes: "a"), threshold("b", reads: ["x2"], writes: "b"), threshold("c", reads: ["b"], writes: "c")])
    ) { error in
      XCTAssertTrue("\(error)".contains("'x2'"), "\(error)")
    }
    XCTAssertThrowsError(
      try pipeline([threshold("a", reads: ["x"], writes: "a"), threshold("b", reads: ["a"], writes: "b"), threshold("c", reads: ["a"], writes: "c")])
    ) { error in
      XCTAssertTrue("\(error)".contains("layer 'b': its output 'b' leaves the accelerator"), "\(error)")
    }
  }
}
