import FinchCPU
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// The CPU plan computes exactly what the interpreter computes: on the trained
/// fixtures (all reference samples, against qonnx's outputs too) and on random
/// networks with odd shapes, at batch 1 and 64, on one thread and on several.
final class CPUPlanTests: XCTestCase {
  func testFixturesAreBitExactWithTheReference() throws {
    for fixture in Fixture.all {
      var graph = try fixture.model()
      try Pipeline.compile.run(on: &graph)
      let plan = try CPUPlan(graph: graph, maxBatch: 64, threads: 2)
      XCTAssertEqual(plan.fallbackNodes.map(\.node), [], "\(fixture): every node has a fast kernel")
      // The compiled graph does the model's multiply-accumulates, no more, no fewer.
      let macs = try fixture.model().summary.totalMACs
      XCTAssertEqual(graph.summary.totalMACs, macs, "\(fixture)")
      XCTAssertEqual(plan.operationsPerSample, 2 * macs, "\(fixture)")
      let x = try fixture.inputs()
      let y = try XCTUnwrap(try plan.run(x)[graph.outputs[0]])
      assertBitExact(y, try fixture.outputs(), "\(fixture) against qonnx")
    }
  }

  func testRandomNetworksMatchTheInterpreterAtBatch1And64() throws {
    for seed: UInt64 in 1...12 {
      var graph = RandomQNN.make(seed: seed)
      try Pipeline.compile.run(on: &graph)
      let reference = Interpreter(graph: graph)
      for (batch, threads) in [(1, 1), (64, 2), (3, 2)] {
        let x = RandomQNN.inputs(for: graph, samples: batch, seed: seed)
        let expected = try XCTUnwrap(try reference.runBatch(x)[graph.outputs[0]])
        let plan = try CPUPlan(graph: graph, maxBatch: 32, threads: threads)
        let got = try XCTUnwrap(try plan.run(x)[graph.outputs[0]])
        assertBitExact(got, expected, "seed \(seed), batch \(batch), \(threads) threads")
      }
    }
  }

  /// Nodes without a fast kernel (here the whole uncompiled model) run through the interpreter, still exactly.
  func testUncompiledGraphRunsThroughTheFallback() throws {
    let fixture = Fixture(name: "tfc_w2a2")
    let graph = try fixture.model()
    let plan = try CPUPlan(graph: graph, maxBatch: 8, threads: 2)
    XCTAssertFalse(plan.fallbackNodes.isEmpty)
    let x = try fixture.inputs().firstSamples(10)
    assertBitExact(try XCTUnwrap(try plan.run(x)[graph.outputs[0]]), try fixture.outputs().firstSamples(10))
  }

  /// A batch whose buffers would not fit in memory is refused before anything is allocated.
  func testHugeBatchesAreRefused() throws {
    var graph = try Fixture(name: "cnv_w1a1_small").model()
    try Pipeline.compile.run(on: &graph)
    XCTAssertThrowsError(try CPUPlan(graph: graph, maxBatch: 1 << 20, threads: 1)) { error in
      XCTAssertTrue("\(error)".contains("smaller batch"), "\(error)")
    }
  }

  func testInputsOutsideTheInputTypeAreRejected() throws {
    var graph = try Fixture(name: "tfc_w1a1").model()
    try Pipeline.compile.run(on: &graph)
    let plan = try CPUPlan(graph: graph, maxBatch: 4, threads: 1)
    var values = [Float](repeating: 0, count: 784)
    values[5] = 300
    XCTAssertThrowsError(try plan.run(Tensor(shape: [1, 1, 28, 28], floats: values))) { error in
      XCTAssertTrue("\(error)".contains("300"), "\(error)")
    }
    XCTAssertThrowsError(try plan.run(Tensor(shape: [1, 784], floats: values)))
  }
}
