import FinchCPU
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// The branching fixtures and random QNNs with residual blocks and depthwise convolutions
/// (``RandomQNN/make(seed:branching:)``), compiled, run by the CPU plan with
/// its own kernels for every hardware layer (stream adds, depthwise
/// convolutions) bit for bit as the interpreter runs them.
final class CPUBranchingTests: XCTestCase {
  /// Every layer of the compiled fixtures has a fast kernel; all 100 reference
  /// samples come out as the interpreter computes them from the compiled graph,
  /// and as qonnx computed them to float rounding.
  func testBranchingFixturesRunExactlyWithoutFallbacks() throws {
    for fixture in Fixture.branching {
      var graph = try fixture.model()
      try Pipeline.compile.run(on: &graph)
      let plan = try CPUPlan(graph: graph, maxBatch: 64, threads: 2)
      XCTAssertEqual(plan.fallbackNodes.map(\.node), [], "\(fixture)")
      let x = try fixture.inputs()
      let y = try XCTUnwrap(try plan.run(x)[graph.outputs[0]])
      assertBitExact(y, try XCTUnwrap(try Interpreter(graph: graph).runBatch(x)[graph.outputs[0]]), "\(fixture)")
      let reference = try fixture.outputs()
      assertLogitsClose(y.reshaped(reference.shape), reference, "\(fixture) against qonnx")
    }
  }

  func testCompiledBranchingNetworksMatchTheInterpreter() throws {
    var branched = 0
    for seed in UInt64(1)...40 {
      var graph = RandomQNN.make(seed: seed, branching: true)
      try Pipeline.compile.run(on: &graph)
      let joins = graph.nodes.filter { $0.op == .addStreams || $0.op == .streamingConcat || { if case .vvau = $0.op { true } else { false } }($0) }
      guard !joins.isEmpty else { continue }
      branched += 1
      let plan = try CPUPlan(graph: graph, maxBatch: 4, threads: 2)
      let hardware = Set(graph.nodes.filter(\.op.isHardwareLayer).map(\.name))
      XCTAssertEqual(plan.fallbackNodes.map(\.node).filter { hardware.contains($0) }, [], "seed \(seed)")
      let x = RandomQNN.inputs(for: graph, samples: 4, seed: seed)
      let expected = try XCTUnwrap(try Interpreter(graph: graph).runBatch(x)[graph.outputs[0]])
      assertBitExact(try XCTUnwrap(try plan.run(x)[graph.outputs[0]]), expected, "seed \(seed)")
    }
    XCTAssertGreaterThanOrEqual(branched, 5)
  }
}
