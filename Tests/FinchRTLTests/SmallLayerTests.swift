import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import XCTest

/// Thresholding, label select, width converters and FIFOs against the interpreter.
final class SmallLayerTests: XCTestCase {
  private func graph(_ op: Op, input: ValueType, constants: [String: Tensor] = [:]) throws -> Graph {
    var g = Graph(
      name: "t", inputs: ["x"], outputs: ["y"], nodes: [Node(name: "layer", op: op, inputs: ["x"] + constants.keys.sorted(), outputs: ["y"])],
      initializers: constants, types: ["x": input])
    try g.inferTypes()
    try g.verify()
    return g
  }

  private func randomInput(_ t: ValueType, _ rng: inout SplitMix64) -> Tensor {
    let lo = Int64(t.dataType.min), hi = Int64(t.dataType.max)
    return Tensor(shape: t.shape, floats: (0..<t.shape.elementCount).map { _ in
      t.dataType == .bipolar ? (rng.next() % 2 == 0 ? -1 : 1) : Float(lo + Int64(rng.next() % UInt64(hi - lo + 1)))
    })
  }

  private func check(_ g: Graph, _ chain: [ModuleInstance], frames: Int, seed: UInt64, simulator: Simulation.Simulator = .verilator,
                     stall: Int = 0) throws {
    var rng = SplitMix64(seed: seed)
    let inputs = (0..<frames).map { _ in randomInput(g.types["x"]!, &rng) }
    let expected = try inputs.map { try XCTUnwrap(try Interpreter(graph: g).run(["x": $0])["y"]) }
    let got = try RTLHarness.run(chain, frames: inputs, outputShape: g.type(of: "y")!.shape, simulator: simulator, stall: stall)
    for (e, o) in zip(expected, got.outputs) { XCTAssertEqual(o.int64s, e.int64s, "seed \(seed) \(simulator) stall \(stall)") }
  }

  func testThresholdingTablesMatchTheInterpreter() throws {
    var rng = SplitMix64(seed: 7)
    let cases: [(DataType, Int, Int, Bool, MultiThreshold)] = [
      (.uint(8), 4, 1, true, MultiThreshold(outScale: 2, outBias: -1, outType: .bipolar)),
      (.uint(8), 6, 3, false, MultiThreshold(outScale: 1, outBias: -4, outType: .int(3))),
      (.int(4), 5, 5, false, MultiThreshold(outScale: 1, outBias: 0, outType: .uint(2))),
    ]
    for (i, (inType, c, pe, shared, m)) in cases.enumerated() {
      let steps = m.outType == .bipolar ? 1 : Int(m.outType.max - m.outType.min)
      let rows = shared ? 1 : c
      let t = Tensor(shape: [rows, steps], floats: (0..<rows).flatMap { _ in
        (0..<steps).map { _ in Float(Int64(inType.min) + Int64(rng.next() % UInt64(inType.max - inType.min + 1))) }.sorted()
      })
      var hw = m
      hw.channelsLast = true
      let g = try graph(.thresholding(hw), input: ValueType(shape: [1, 3, c], dataType: inType), constants: ["t": t])
      let unit = try RTLHarness.instance(g, LayerFolding(pe: pe))
      try check(g, [unit], frames: 3, seed: UInt64(i))
      if i == 1 {
        try check(g, [unit], frames: 2, seed: 11, stall: 300)
        try check(g, [unit], frames: 1, seed: 12, simulator: .icarus)
      }
    }
  }

  func testLabelSelectKeepsLowerIndexOnTies() throws {
    for (labels, pe, k, type) in [(10, 1, 1, DataType.int(8)), (12, 3, 3, .uint(2)), (10, 2, 4, .int(3))] {
      let g = try graph(.labelSelect(k: k), input: ValueType(shape: [1, labels], dataType: type))
      let unit = try RTLHarness.instance(g, LayerFolding(pe: pe))
      try check(g, [unit], frames: 6, seed: UInt64(labels * k), stall: k == 3 ? 300 : 0)
    }
  }

  func testWidthConvertersAndFIFOsBetweenLayers() throws {
    // Thresholding layers in series whose PEs change at every step put a
    // width converter of every kind finch_dwc.v builds between them: other
    // ratios (2→3, 3→2), gathers (2→6, 1→3, 3→6, 1→6) and splits (6→1,
    // 6→2, 2→1, 6→3, 3→1).
    let pes = [2, 3, 2, 6, 1, 3, 6, 2, 1, 6, 3, 1]
    let m = MultiThreshold(outScale: 1, outBias: 0, outType: .uint(2), channelsLast: true)
    var g = Graph(
      name: "t", inputs: ["x"], outputs: ["y"],
      nodes: pes.indices.map { i in
        Node(name: "t\(i)", op: .thresholding(m), inputs: [i == 0 ? "x" : "h\(i - 1)", i == 0 ? "t" : "t2"],
             outputs: [i == pes.count - 1 ? "y" : "h\(i)"])
      },
      initializers: ["t": Tensor(shape: [1, 3], floats: [-3, 0, 4]), "t2": Tensor(shape: [1, 3], floats: [1, 2, 3])],
      types: ["x": ValueType(shape: [1, 4, 6], dataType: .int(4))])
    try g.inferTypes()
    let chain = try RTLHarness.instances(g, pes.map { LayerFolding(pe: $0) }, fifoDepth: 3)
    XCTAssertEqual(chain.filter { $0.module == "finch_dwc" }.count, pes.count - 1)
    XCTAssertEqual(chain.filter { $0.module == "finch_fifo" }.count, pes.count - 1)
    try check(g, chain, frames: 3, seed: 1, stall: 300)
    try check(g, chain, frames: 2, seed: 2)
    try check(g, chain, frames: 2, seed: 3, simulator: .icarus, stall: 300)
  }
}
