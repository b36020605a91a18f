import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The library's branch modules, fan-out (`finch_dup`) and elementwise
/// addition (`finch_add`), against the interpreter: a residual block
/// `y = Add(MultiThreshold(x), x)` stitched by hand (the design is still a
/// chain, issue 17), the skip path through a FIFO, with and without stalls.
final class BranchModuleTests: XCTestCase {
  /// The residual graph on `x` of `channels` channels-last values of `inType`; the thresholds give `outType`.
  private func residual(channels: Int, inType: DataType, outType: DataType, seed: UInt64) throws -> (Graph, Graph) {
    var rng = SplitMix64(seed: seed)
    let steps = Int(outType.max - outType.min)
    let t = Tensor(shape: [channels, steps], floats: (0..<channels).flatMap { _ in
      (0..<steps).map { _ in Float(Int64(inType.min) + Int64(rng.next() % UInt64(inType.max - inType.min + 1))) }.sorted()
    })
    let m = MultiThreshold(outScale: 1, outBias: Float(outType.min), outType: outType, channelsLast: true)
    let x = ValueType(shape: [1, 5, channels], dataType: inType)
    var thresholds = Graph(
      name: "thresholds", inputs: ["x"], outputs: ["a"], nodes: [Node(name: "thr", op: .thresholding(m), inputs: ["x", "t"], outputs: ["a"])],
      initializers: ["t": t], types: ["x": x])
    try thresholds.inferTypes()
    var block = thresholds
    block.name = "residual"
    block.nodes.append(Node(name: "add", op: .binary(.add), inputs: ["a", "x"], outputs: ["y"]))
    block.outputs = ["y"]
    try block.inferTypes()
    return (thresholds, block)
  }

  /// `finch_top` for the residual block: `x` fanned out to the thresholding unit and a `skipDepth`-word FIFO, the two added.
  private func top(_ unit: ModuleInstance, pe: Int, inType: DataType, outType: DataType, sumBits: Int, skipDepth: Int) -> String {
    let (xBits, aBits) = (pe * inType.bitWidth, pe * outType.bitWidth)
    func stream(_ name: String, _ bits: Int) -> String {
      "  wire [\(bits - 1):0] \(name)_tdata;\n  wire \(name)_tvalid;\n  wire \(name)_tready;"
    }
    func port(_ port: String, _ wire: String) -> String {
      ".\(port)_tdata(\(wire)_tdata), .\(port)_tvalid(\(wire)_tvalid), .\(port)_tready(\(wire)_tready)"
    }
    let params = unit.parameters.map { ".\($0.name)(\($0.value))" }.joined(separator: ", ")
    return """
      module finch_top (
        input wire clk, input wire rst_n,
        input wire [\(xBits - 1):0] s_tdata, input wire s_tvalid, output wire s_tready,
        output wire [\(pe * sumBits - 1):0] m_tdata, output wire m_tvalid, input wire m_tready
      );
      \(stream("left", xBits))
      \(stream("right", xBits))
      \(stream("a", aBits))
      \(stream("skip", xBits))
        finch_dup #(.WIDTH(\(xBits))) fanout (.clk(clk), .rst_n(rst_n), \(port("s", "s")), \(port("m0", "left")), \(port("m1", "right")));
        \(unit.module) #(\(params)) \(unit.name) (.clk(clk), .rst_n(rst_n), \(port("s", "left")), \(port("m", "a")));
        finch_fifo #(.WIDTH(\(xBits)), .DEPTH(\(skipDepth))) skip_fifo (.clk(clk), .rst_n(rst_n), \(port("s", "right")), \(port("m", "skip")));
        finch_add #(.PE(\(pe)), .A_BITS(\(outType.bitWidth)), .A_SIGNED(\(outType.isSigned ? 1 : 0)), .B_BITS(\(inType.bitWidth)),
          .B_SIGNED(\(inType.isSigned ? 1 : 0)), .OUT_BITS(\(sumBits))) sum (.clk(clk), .rst_n(rst_n), \(port("s0", "a")), \(port("s1", "skip")),
          \(port("m", "m")));
      endmodule

      """
  }

  func testResidualAdditionMatchesTheInterpreter() throws {
    let cases: [(channels: Int, pe: Int, inType: DataType, outType: DataType, skipDepth: Int)] = [
      (4, 2, .int(4), .uint(2), 4), (6, 3, .uint(3), .int(3), 1), (5, 1, .int(2), .int(4), 16),
    ]
    for (k, c) in cases.enumerated() {
      let (thresholds, block) = try residual(channels: c.channels, inType: c.inType, outType: c.outType, seed: UInt64(k + 1))
      let unit = try RTLHarness.instance(thresholds, LayerFolding(pe: c.pe))
      // Wide enough for every sum, as a signed lane (finch_add extends both operands to it).
      let sumType = DataType.smallestInteger(min: min(c.inType.min + c.outType.min, -1), max: c.inType.max + c.outType.max)
      let sumBits = sumType.bitWidth
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-branch-\(UUID().uuidString)")
      defer { if ProcessInfo.processInfo.environment["FINCH_KEEP_RTL"] == nil { try? FileManager.default.removeItem(at: dir) } }
      let modules = try VerilogLibrary.writeModules(["finch_dup", "finch_add", "finch_fifo", unit.module], memoryFiles: unit.memoryFiles, to: dir)
      XCTAssertEqual(modules.count, 4)
      let topText = top(unit, pe: c.pe, inType: c.inType, outType: c.outType, sumBits: sumBits, skipDepth: c.skipDepth)
      try topText.write(to: dir.appendingPathComponent("finch_top.v"), atomically: true, encoding: .utf8)
      let (input, output) = (StreamFormat(dataType: c.inType, elementsPerWord: c.pe), StreamFormat(dataType: .int(sumBits), elementsPerWord: c.pe))
      var rng = SplitMix64(seed: UInt64(100 + k))
      let x = try XCTUnwrap(block.types["x"])
      let frames = (0..<3).map { _ in
        Tensor(shape: x.shape, floats: (0..<x.shape.elementCount).map { _ in
          Float(Int64(c.inType.min) + Int64(rng.next() % UInt64(c.inType.max - c.inType.min + 1)))
        })
      }
      let expected = try frames.map { try XCTUnwrap(try Interpreter(graph: block).run(["x": $0])["y"]) }
      let runs: [(Simulation.Simulator, Int)] = k == 0 ? [(.verilator, 0), (.verilator, 300), (.icarus, 300)] : [(.verilator, 300)]
      for (simulator, stall) in runs {
        var sim = Simulation(directory: dir, sources: modules + ["finch_top.v"], inputWidth: input.wordBits, outputWidth: output.wordBits)
        (sim.simulator, sim.stall) = (simulator, stall)
        let words = try frames.flatMap { try input.words($0) }
        let perFrame = x.shape.elementCount / c.pe
        let result = try sim.run(input: words, outputCount: perFrame * frames.count)
        for f in frames.indices {
          let got = try output.tensor(fromWords: Array(result.words[(f * perFrame)..<((f + 1) * perFrame)]), shape: x.shape)
          XCTAssertEqual(got.int64s, expected[f].int64s, "case \(k) frame \(f) \(simulator) stall \(stall)")
        }
      }
    }
  }
}
