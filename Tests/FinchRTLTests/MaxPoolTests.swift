import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// `finch_maxpool` against the interpreter: non-overlapping windows 1-3 on
/// maps that need not divide evenly, PE dividing C, signed, unsigned and
/// bipolar 1-8-bit values, with and without random stalls, and one input word
/// per cycle (the cycle model's H·W·C/PE); and `finch_window_maxpool` the same
/// way with overlapping and padded windows (Darknet's 2/1, 3/2 with padding).
final class MaxPoolTests: XCTestCase {
  struct Config: CustomStringConvertible {
    var h: Int, w: Int, c: Int, pe: Int
    var kernel: [Int]
    var type: DataType
    /// Strides (default: the kernel) and pads.
    var strides: [Int]? = nil
    var pads = [0, 0, 0, 0]
    var description: String { "\(h)x\(w)x\(c) PE \(pe) k\(kernel) s\(strides ?? kernel) pads \(pads) \(type)" }
  }

  private func graph(_ cfg: Config) throws -> Graph {
    let op = Op.streamingMaxPool(kernel: cfg.kernel, strides: cfg.strides ?? cfg.kernel, pads: cfg.pads)
    var g = Graph(
      name: "pool", inputs: ["x"], outputs: ["y"],
      nodes: [Node(name: "pool", op: op, inputs: ["x"], outputs: ["y"])],
      initializers: [:], types: ["x": ValueType(shape: [1, cfg.h, cfg.w, cfg.c], dataType: cfg.type)])
    try g.inferTypes()
    try g.verify()
    return g
  }

  private static func randomValue(_ t: DataType, _ rng: inout SplitMix64) -> Float {
    t == .bipolar ? (rng.int(0...1) == 0 ? -1 : 1) : Float(rng.int(Int(t.min)...Int(t.max)))
  }

  private static func randomConfig(_ rng: inout SplitMix64) -> Config {
    let kernel = [rng.int(1...3), rng.int(1...3)]
    let bits = rng.int(1...8)
    let type: DataType = [bits == 1 ? .bipolar : .int(bits), .uint(bits), bits == 1 ? .bipolar : .int(bits)][rng.int(0...2)]
    let c = rng.int(1...8)
    let pes = (1...c).filter { c % $0 == 0 }
    return Config(
      h: rng.int(kernel[0]...9), w: rng.int(kernel[1]...9), c: c, pe: pes[rng.int(0...pes.count - 1)], kernel: kernel, type: type)
  }

  /// Simulates `frames` frames without stalls and `stallFrames` with random
  /// stalls, checking every word; returns the steady-state cycles per frame
  /// and the model's.
  @discardableResult
  private func check(
    _ cfg: Config, frames: Int, seed: UInt64, simulator: Simulation.Simulator = .verilator, stallFrames: Int = 2
  ) throws -> (measured: Int, modelled: Int) {
    let g = try graph(cfg)
    let folding = LayerFolding(pe: cfg.pe, simd: 1)
    let unit = try RTLHarness.instance(g, folding)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-maxpool-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let sources = try VerilogLibrary.writeDesign([unit], to: dir)
    var sim = Simulation(
      directory: dir, sources: sources, inputWidth: unit.input.wordBits, outputWidth: unit.output.wordBits)
    sim.simulator = simulator
    let outShape = try XCTUnwrap(g.type(of: "y")).shape
    var rng = SplitMix64(seed: seed)
    var measured = 0
    for (n, stall) in [(frames, 0), (stallFrames, 300)] where n > 0 {
      let inputs = (0..<n).map { _ in
        Tensor(shape: [1, cfg.h, cfg.w, cfg.c], floats: (0..<(cfg.h * cfg.w * cfg.c)).map { _ in Self.randomValue(cfg.type, &rng) })
      }
      let expected = try inputs.map { try XCTUnwrap(try Interpreter(graph: g).run(["x": $0])["y"]) }
      sim.stall = stall
      let result = try sim.run(input: inputs.flatMap { try unit.input.words($0) }, outputCount: unit.outputWords * n)
      for f in 0..<n {
        let words = Array(result.words[(f * unit.outputWords)..<((f + 1) * unit.outputWords)])
        let got = try unit.output.tensor(fromWords: words, shape: outShape)
        XCTAssertEqual(got.int64s, expected[f].int64s, "\(cfg) frame \(f) stall \(stall) \(simulator) seed \(seed)")
      }
      if stall == 0, n >= 2 {
        measured = result.cycles[n * unit.outputWords - 1] - result.cycles[(n - 1) * unit.outputWords - 1]
      }
    }
    let layer = try XCTUnwrap(try HardwareLayer.layers(of: g).first)
    return (measured, CycleModel.cycles(layer, folding))
  }

  func testRandomPoolsMatchInterpreterAndCycleModel() throws {
    var configs = [
      // The common 2x2/2 pool, bipolar (an OR) and signed.
      Config(h: 8, w: 8, c: 4, pe: 2, kernel: [2, 2], type: .bipolar),
      Config(h: 7, w: 9, c: 6, pe: 3, kernel: [2, 2], type: .int(8)),
    ]
    var rng = SplitMix64(seed: 0x900)
    for _ in 0..<2 { configs.append(Self.randomConfig(&rng)) }
    for (i, cfg) in configs.enumerated() {
      let (measured, modelled) = try check(cfg, frames: 3, seed: UInt64(i))
      print("MaxPool \(cfg): \(measured) cycles/frame, model \(modelled)")
      XCTAssertEqual(Double(measured), Double(modelled), accuracy: 0.05 * Double(modelled), "\(cfg)")
    }
  }

  /// Overlapping and padded windows: the window unit and the max-pool over
  /// window positions, bit-exact and at the cycle model's pace.
  func testWindowedPoolsMatchInterpreterAndCycleModel() throws {
    var configs = [
      // Darknet's size-2 stride-1 pool: one padded row and column at the bottom and right.
      Config(h: 6, w: 6, c: 8, pe: 4, kernel: [2, 2], type: .uint(3), strides: [1, 1], pads: [0, 0, 1, 1]),
      Config(h: 7, w: 5, c: 3, pe: 1, kernel: [3, 3], type: .int(4), strides: [2, 2], pads: [1, 1, 1, 1]),
      Config(h: 5, w: 5, c: 4, pe: 2, kernel: [2, 2], type: .bipolar, strides: [1, 1], pads: [0, 0, 1, 1]),
    ]
    var rng = SplitMix64(seed: 0x901)
    for _ in 0..<1 {
      var cfg = Self.randomConfig(&rng)
      cfg.kernel = [rng.int(2...3), rng.int(2...3)]
      cfg.strides = [rng.int(1...cfg.kernel[0]), rng.int(1...cfg.kernel[1])]
      cfg.pads = [rng.int(0...cfg.kernel[0] - 1), rng.int(0...cfg.kernel[1] - 1), rng.int(0...cfg.kernel[0] - 1), rng.int(0...cfg.kernel[1] - 1)]
      (cfg.h, cfg.w) = (max(cfg.h, cfg.kernel[0]), max(cfg.w, cfg.kernel[1]))
      configs.append(cfg)
    }
    for (i, cfg) in configs.enumerated() {
      let (measured, modelled) = try check(cfg, frames: 3, seed: UInt64(20 + i))
      print("MaxPool \(cfg): \(measured) cycles/frame, model \(modelled)")
      XCTAssertEqual(Double(measured), Double(modelled), accuracy: 0.05 * Double(modelled), "\(cfg)")
    }
    try check(configs[0], frames: 2, seed: 30, simulator: .icarus, stallFrames: 1)
  }

  func testIcarusAgrees() throws {
    try check(Config(h: 5, w: 6, c: 4, pe: 4, kernel: [2, 3], type: .int(3)), frames: 2, seed: 7, simulator: .icarus, stallFrames: 1)
    try check(Config(h: 4, w: 3, c: 3, pe: 1, kernel: [1, 1], type: .uint(5)), frames: 2, seed: 8, simulator: .icarus, stallFrames: 0)
  }

  func testEmittedDesignsAreLintClean() throws {
    for cfg in [
      Config(h: 5, w: 7, c: 6, pe: 2, kernel: [2, 3], type: .int(4)),
      Config(h: 1, w: 1, c: 1, pe: 1, kernel: [1, 1], type: .bipolar),
      Config(h: 32, w: 32, c: 64, pe: 16, kernel: [2, 2], type: .uint(8)),
      Config(h: 13, w: 13, c: 16, pe: 4, kernel: [2, 2], type: .uint(3), strides: [1, 1], pads: [0, 0, 1, 1]),
    ] {
      let g = try graph(cfg)
      let unit = try RTLHarness.instance(g, LayerFolding(pe: cfg.pe))
      try SWUMaxPoolLint.lint([unit], "\(cfg)")
    }
  }

  func testBadFoldingAndPaddingThrow() throws {
    let cfg = Config(h: 6, w: 6, c: 4, pe: 1, kernel: [3, 3], type: .int(4))
    var padded = cfg
    padded.pads = [0, 0, 3, 0]
    XCTAssertThrowsError(try graph(padded)) { XCTAssertTrue("\($0)".contains("smaller than the kernel"), "\($0)") }
    let g = try graph(cfg)
    XCTAssertThrowsError(try RTLHarness.instance(g, LayerFolding(pe: 3))) {
      guard case FinchCostError.invalidFolding = $0 else { return XCTFail("\($0)") }
    }
  }
}
