import FinchIR
import FinchInterpreter
import FinchTestSupport
import XCTest

/// Every bundled trained model, raw and cleaned, reproduces qonnx's reference
/// outputs on all 100 reference samples.
final class FixtureTests: XCTestCase {
  func testCleanedModelsMatchReference() throws {
    for fixture in Fixture.all {
      try check(fixture, try fixture.model())
    }
  }

  func testRawBrevitasExportsMatchReference() throws {
    for fixture in Fixture.all {
      try check(fixture, try fixture.rawModel())
    }
  }

  /// The branching models (residual additions, depthwise convolutions,
  /// global average pooling), raw and cleaned. Their logits come straight
  /// from a float MatMul, some within a few 1e-5 of zero, so each sample's
  /// error is measured against its largest logit.
  func testBranchingModelsMatchReference() throws {
    for fixture in Fixture.branching {
      for graph in [try fixture.model(), try fixture.rawModel()] { try check(fixture, graph, relativeToLargest: true) }
    }
  }

  private func check(_ fixture: Fixture, _ graph: Graph, relativeToLargest: Bool = false) throws {
    let y = try XCTUnwrap(try Interpreter(graph: graph).runBatch(try fixture.inputs())[graph.outputs[0]])
    let reference = try fixture.outputs()
    XCTAssertEqual(y.shape, reference.shape, "\(fixture)")
    if relativeToLargest {
      assertLogitsClose(y, reference, "\(fixture)")
    } else {
      XCTAssertLessThanOrEqual(maxRelativeError(y, reference), 1e-5, "\(fixture)")
    }
    /// Sample `i`'s ten logits.
    func logits(_ t: Tensor, _ i: Int) -> ArraySlice<Float> { t.floats[(i * 10)..<(i * 10 + 10)] }
    let predicted = (0..<y.shape[0]).map { i in
      let row = logits(y, i)
      return Int64(row.firstIndex(of: row.max()!)! - i * 10)
    }
    XCTAssertEqual(predicted, try fixture.predictions(), "\(fixture): predicted labels differ")
  }
}
