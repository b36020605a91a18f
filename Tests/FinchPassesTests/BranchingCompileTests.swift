import FinchCost
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// The branching fixtures (residual additions, depthwise convolutions, global
/// average pooling), cleaned and raw, compile to hardware layers only; every
/// pass keeps the cleaned model's outputs on a few samples, and the compiled
/// graphs reproduce the reference logits of all 100 (to float rounding: the
/// scales move past the pooling and the last MatMul) with every label.
final class BranchingCompileTests: XCTestCase {
  func testBranchingFixturesCompileToHardwareLayersOnly() throws {
    for fixture in Fixture.branching {
      let samples = try fixture.inputs(), reference = try fixture.outputs()
      let few = samples.firstSamples(4)
      for (raw, original) in [(false, try fixture.model()), (true, try fixture.rawModel())] {
        var graph = original
        for input in graph.inputs { graph.types[input]?.dataType = .uint(8) }
        try graph.inferTypes()
        let before = try XCTUnwrap(try Interpreter(graph: original).runBatch(few)[original.outputs[0]])
        try Pipeline.compile.run(on: &graph) { pass, after in
          guard !raw else { return }
          let y = try XCTUnwrap(try Interpreter(graph: after).runBatch(few)[after.outputs[0]])
          assertLogitsClose(y.reshaped([4, 10]), before.reshaped([4, 10]), "\(fixture) after \(pass)")
        }
        let y = try XCTUnwrap(try Interpreter(graph: graph).runBatch(samples)[graph.outputs[0]])
        assertLogitsClose(y.reshaped(reference.shape), reference, "\(fixture) compiled\(raw ? " from the raw export" : "")")
        let partition = HardwarePartition(graph)
        XCTAssertEqual(partition.unlowered, [], "\(fixture)")
        XCTAssertTrue(partition.prologue.allSatisfy { $0.reason == "layout only" }, "\(fixture): \(partition.prologue)")
        XCTAssertEqual(Set(partition.epilogue.map(\.op)), ["Div", "Mul"], "\(fixture): \(partition.epilogue)")
        let layers = try HardwareLayer.layers(of: graph)
        let kinds = Set(layers.map(\.kind))
        let expected: Set<HardwareLayer.Kind> = fixture.name.hasPrefix("resnet") ? [.addStreams, .globalAccPool] : [.vvau, .globalAccPool]
        XCTAssertTrue(expected.isSubset(of: kinds), "\(fixture): \(kinds)")
        // The depthwise-separable network is a chain; the residual one forks after Conv_0 and MaxPool_0.
        let folding = try NetworkFolding(layers, layers.map { _ in LayerFolding() })
        let pipeline = try DataflowPipeline(layers: layers, folding: folding, fifoDepth: { _, _ in 2 })
        XCTAssertEqual(pipeline.isChain, !fixture.name.hasPrefix("resnet"), "\(fixture)")
        XCTAssertEqual(pipeline.elements.filter { $0.kind == .dup }.count, fixture.name.hasPrefix("resnet") ? 2 : 0, "\(fixture)")
      }
    }
  }

  /// `Add(Mul(a, s), Mul(b, s))` on INT4 tensors: factored when float32 gives
  /// the same sums either way (s = 0.375: every product exact), kept when it
  /// does not for some pair of values (s = 0.1).
  func testACommonScaleLeavesASumOnlyWhenThatIsExact() throws {
    for (scale, factored) in [(Float(0.375), true), (0.1, false)] {
      var g = try Graph(parsing: """
        graph g
          input a: INT4[1,8]
          input b: INT4[1,8]
          const s: FLOAT32[] = [\(scale)]
          const t: FLOAT32[] = [\(scale)]
          ma = Mul(a: INT4[1,8], s: FLOAT32[]) -> x: ?
          mb = Mul(b: INT4[1,8], t: FLOAT32[]) -> y: ?
          add = Add(x: ?, y: ?) -> z: ?
          output z: ?
        """)
      try g.inferTypes()
      let before = g
      XCTAssertEqual(try FactorScaleOutOfAdd().run(on: &g), factored, "scale \(scale)")
      guard factored else { continue }
      XCTAssertEqual(g.nodes.map(\.op), [.binary(.add), .binary(.mul)])
      XCTAssertEqual(g.type(of: g.nodes[0].outputs[0])?.dataType, .int(5))
      for k in 0..<16 {
        let feed = ["a": Tensor(shape: [1, 8], floats: (0..<8).map { Float(($0 + k) % 16 - 8) }),
          "b": Tensor(shape: [1, 8], floats: (0..<8).map { Float(($0 * 3 + k) % 16 - 8) })]
        assertBitExact(try Interpreter(graph: g).run(feed)["z"]!, try Interpreter(graph: before).run(feed)["z"]!)
      }
    }
  }
}
