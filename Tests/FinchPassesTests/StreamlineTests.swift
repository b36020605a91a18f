import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// Every fixture stays exact after every streamlining pass.
final class StreamlineTests: XCTestCase {
  func testEveryPassKeepsFixtureOutputsExact() throws {
    for fixture in Fixture.all {
      for var graph in [try fixture.model(), try fixture.rawModel()] {
        let samples = Fixture.first(fixture.name.hasPrefix("cnv") ? 20 : 100, of: try fixture.inputs())
        let reference = try XCTUnwrap(try Interpreter(graph: graph).runBatch(samples)[graph.outputs[0]])
        try Pipeline.streamline.run(on: &graph) { pass, after in
          let y = try XCTUnwrap(try Interpreter(graph: after).runBatch(samples)[after.outputs[0]])
          assertBitExact(y, reference, "\(fixture) after \(pass)")
        }
        print(graph.text)
      }
    }
  }
}
