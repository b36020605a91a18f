import FinchIR
import FinchInterpreter
import FinchCost
import FinchPasses
import FinchTestSupport
import XCTest

/// Every fixture, cleaned and raw, compiles to hardware layers and gives the
/// original model's outputs on all reference samples after every single pass.
final class CompileTests: XCTestCase {
  private func compileExactly(_ fixture: Fixture, _ original: Graph) throws -> Graph {
    var graph = original
    for input in graph.inputs { graph.types[input]?.dataType = .uint(8) }
    try graph.inferTypes()
    let samples = try fixture.inputs()
    let reference = try XCTUnwrap(try Interpreter(graph: original).runBatch(samples)[original.outputs[0]])
    var passes: [String] = []
    try Pipeline.compile.run(on: &graph) { pass, after in
      passes.append(pass)
      let y = try XCTUnwrap(try Interpreter(graph: after).runBatch(samples)[after.outputs[0]])
      assertBitExact(y, reference, "\(fixture) after \(pass)")
    }
    XCTAssertTrue(passes.contains("specialize-layers"), "\(fixture): \(passes)")
    let partition = HardwarePartition(graph)
    XCTAssertEqual(partition.unlowered, [], "\(fixture)")
    XCTAssertEqual(partition.epilogue.map(\.op), ["Sub", "Div", "Mul", "Add"], "\(fixture)")
    XCTAssertTrue(partition.prologue.allSatisfy { $0.reason == "layout only" }, "\(fixture): \(partition.prologue)")
    return graph
  }

  func testCleanedFixturesCompileExactly() throws {
    for fixture in Fixture.all {
      let graph = try compileExactly(fixture, try fixture.model())
      XCTAssertFalse(graph.nodes.contains { if case .batchNormalization = $0.op { true } else { false } })
      XCTAssertFalse(graph.nodes.contains { $0.op == .bipolarQuant })
    }
  }

  func testRawBrevitasExportsCompileExactly() throws {
    for fixture in Fixture.all {
      _ = try compileExactly(fixture, try fixture.rawModel())
    }
  }

  func testBipolarLayersUseXnorWithPopcountThresholds() throws {
    let graph = try compileExactly(Fixture(name: "tfc_w1a1"), try Fixture(name: "tfc_w1a1").model())
    let units = graph.nodes.compactMap { node -> (Node, MVAU)? in if case .mvau(let m) = node.op { (node, m) } else { nil } }
    XCTAssertEqual(units.map(\.1.xnor), [true, true, true, true])
    // Popcount thresholds lie in 0...MW+1; dot-product thresholds could be negative.
    for (node, _) in units where node.inputs.count > 2 {
      let mw = graph.initializers[node.inputs[1]]!.shape[0]
      XCTAssertTrue(graph.initializers[node.inputs[2]]!.floats.allSatisfy { $0 >= 0 && $0 <= Float(mw + 1) })
    }
  }
}
