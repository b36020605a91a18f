import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// Every fixture compiles to hardware layers and stays exact after every pass.
final class CompileTests: XCTestCase {
  func testFixturesCompileExactlyToHardwareLayers() throws {
    for fixture in Fixture.all {
      var graph = try fixture.model()
      let samples = Fixture.first(fixture.name.hasPrefix("cnv") ? 10 : 100, of: try fixture.inputs())
      let reference = try XCTUnwrap(try Interpreter(graph: graph).runBatch(samples)[graph.outputs[0]])
      try Pipeline.compile.run(on: &graph) { pass, after in
        let y = try XCTUnwrap(try Interpreter(graph: after).runBatch(samples)[after.outputs[0]])
        assertBitExact(y, reference, "\(fixture) after \(pass)")
      }
      print(graph.text.split(separator: "\n").filter { !$0.contains("const ") }.joined(separator: "\n"))
    }
  }
}
