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

  private func check(_ fixture: Fixture, _ graph: Graph) throws {
    let y = try XCTUnwrap(try Interpreter(graph: graph).runBatch(try fixture.inputs())[graph.outputs[0]])
    let reference = try fixture.outputs()
    XCTAssertEqual(y.shape, reference.shape, "\(fixture)")
    XCTAssertLessThanOrEqual(maxRelativeError(y, reference), 1e-5, "\(fixture)")
    let predicted = (0..<y.shape[0]).map { i in
      let row = y.floats[(i * 10)..<(i * 10 + 10)]
      return Int64(row.firstIndex(of: row.max()!)! - i * 10)
    }
    XCTAssertEqual(predicted, try fixture.predictions(), "\(fixture): predicted labels differ")
  }
}
