import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// `finch_swu` against the interpreter: random windows (kernel 1-3, stride 1-2,
/// dilation 1-2, padding), SIMD dividing C, 1-8-bit types, several frames per
/// run, with and without random stalls, and cycles per frame against the model.
final class SWUTests: XCTestCase {
  struct Config: CustomStringConvertible {
    var h: Int, w: Int, c: Int, simd: Int
    var kernel: [Int], strides: [Int], pads: [Int], dilations: [Int]
    var type: DataType
    var padValue: Float = 0
    var description: String {
      "\(h)x\(w)x\(c) SIMD \(simd) k\(kernel) s\(strides) p\(pads) d\(dilations) \(type) pad \(padValue)"
    }
  }

  private func graph(_ cfg: Config) throws -> Graph {
    let swu = SWU(kernel: cfg.kernel, strides: cfg.strides, pads: cfg.pads, dilations: cfg.dilations, padValue: cfg.padValue)
    var g = Graph(
      name: "swu", inputs: ["x"], outputs: ["y"], nodes: [Node(name: "swu", op: .swu(swu), inputs: ["x"], outputs: ["y"])],
      initializers: [:], types: ["x": ValueType(shape: [1, cfg.h, cfg.w, cfg.c], dataType: cfg.type)])
    try g.inferTypes()
    try g.verify()
    return g
  }

  private static func randomType(_ rng: inout SplitMix64) -> DataType {
    let bits = rng.int(1...8)
    switch rng.int(0...2) {
    case 0: return bits == 1 ? .bipolar : .int(bits)
    case 1: return .uint(bits)
    default: return bits == 1 ? .binary : .int(bits)
    }
  }

  private static func randomValue(_ t: DataType, _ rng: inout SplitMix64) -> Float {
    t == .bipolar ? (rng.int(0...1) == 0 ? -1 : 1) : Float(rng.int(Int(t.min)...Int(t.max)))
  }

  /// A random window on a small map; `symmetricStride` keeps sH == sW.
  private static func randomConfig(_ rng: inout SplitMix64, size: ClosedRange<Int>, symmetricStride: Bool) -> Config {
    let kernel = [rng.int(1...3), rng.int(1...3)]
    let s = rng.int(1...2)
    let strides = symmetricStride ? [s, s] : [s, rng.int(1...2)]
    let dilations = kernel.map { $0 > 1 ? rng.int(1...2) : 1 }
    let span = (0..<2).map { (kernel[$0] - 1) * dilations[$0] + 1 }
    let padded = rng.int(0...2) > 0
    let pads = padded ? [rng.int(0...span[0] - 1), rng.int(0...span[1] - 1), rng.int(0...span[0] - 1), rng.int(0...span[1] - 1)] : [0, 0, 0, 0]
    let c = rng.int(1...6)
    let simds = (1...c).filter { c % $0 == 0 }
    let type = randomType(&rng)
    var cfg = Config(
      h: max(rng.int(size), span[0]), w: max(rng.int(size), span[1]), c: c, simd: simds[rng.int(0...simds.count - 1)],
      kernel: kernel, strides: strides, pads: pads, dilations: dilations, type: type)
    if padded { cfg.padValue = randomValue(type, &rng) }
    return cfg
  }

  /// The steady state of `finch_swu`: the larger of reading the frame and
  /// writing its windows, where the writer also waits at the frame boundary for
  /// the rows of the next frame's first output row that did not fit the slots
  /// the last output row left free (the line buffer holds span + sH rows).
  static func rtlCyclesPerFrame(_ cfg: Config, oh: Int, ow: Int) -> Int {
    let cf = cfg.c / cfg.simd
    let span = (cfg.kernel[0] - 1) * cfg.dilations[0] + 1
    let rows = span + cfg.strides[0]
    let firstRowNeeds = min(cfg.h, max(0, span - cfg.pads[0]))
    let lastRowKeeps = cfg.h - min(cfg.h, max(0, (oh - 1) * cfg.strides[0] - cfg.pads[0]))
    let short = max(0, firstRowNeeds - (rows - lastRowKeeps))
    return max(cfg.h * cfg.w * cf, oh * ow * cfg.kernel[0] * cfg.kernel[1] * cf + short * cfg.w * cf)
  }

  private struct Run {
    var cyclesPerFrame: Int
    var modelled: Int
    var rtlFormula: Int
    var ioBound: Int
  }

  /// Simulates `cfg` for `frames` frames without stalls, then again with
  /// `stall`, checking every word against the interpreter; returns the cycles.
  @discardableResult
  private func check(
    _ cfg: Config, frames: Int, seed: UInt64, simulator: Simulation.Simulator = .verilator, stallFrames: Int = 2, stall: Int = 300
  ) throws -> Run {
    let g = try graph(cfg)
    let folding = LayerFolding(pe: 1, simd: cfg.simd)
    let unit = try RTLHarness.instance(g, folding)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-swu-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let sources = try VerilogLibrary.writeDesign([unit], to: dir)
    var sim = Simulation(
      directory: dir, sources: sources, inputWidth: unit.input.wordBits, outputWidth: unit.output.wordBits)
    sim.simulator = simulator
    let outShape = try XCTUnwrap(g.type(of: "y")).shape
    var rng = SplitMix64(seed: seed)
    var cycles: [Int] = []
    for (n, stall) in [(frames, 0), (stallFrames, stall)] where n > 0 {
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
      if stall == 0 { cycles = (1...n).map { result.cycles[$0 * unit.outputWords - 1] } }
    }
    let layer = try XCTUnwrap(try HardwareLayer.layers(of: g).first)
    let (oh, ow) = (outShape[1], outShape[2])
    let cf = cfg.c / cfg.simd
    return Run(
      cyclesPerFrame: cycles.count >= 2 ? cycles[cycles.count - 1] - cycles[cycles.count - 2] : 0,
      modelled: CycleModel.cycles(layer, folding), rtlFormula: Self.rtlCyclesPerFrame(cfg, oh: oh, ow: ow),
      ioBound: max(cfg.h * cfg.w * cf, oh * ow * cfg.kernel[0] * cfg.kernel[1] * cf))
  }

  private func report(_ cfg: Config, _ r: Run) {
    let pct = Double(r.cyclesPerFrame - r.modelled) / Double(r.modelled) * 100
    print("SWU \(cfg): \(r.cyclesPerFrame) cycles/frame, model \(r.modelled) (\(String(format: "%+.1f", pct))%), RTL formula \(r.rtlFormula)")
  }

  /// Configurations shaped like FINN's convolutions: cycles per frame within 5%
  /// of the cycle model.
  func testConvolutionShapesMatchInterpreterAndCycleModel() throws {
    let configs = [
      // BNN-PYNQ CNV-style: 3x3, stride 1, no padding, bipolar.
      Config(h: 12, w: 12, c: 4, simd: 2, kernel: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], type: .bipolar),
      // "Same" 3x3 convolution padded with a non-zero value.
      Config(
        h: 10, w: 10, c: 3, simd: 3, kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], type: .int(4), padValue: -3),
      // Downsampling 3x3, stride 2.
      Config(h: 17, w: 17, c: 2, simd: 1, kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], type: .uint(3)),
    ]
    for (i, cfg) in configs.enumerated() {
      let r = try check(cfg, frames: 3, seed: UInt64(100 + i))
      report(cfg, r)
      XCTAssertEqual(Double(r.cyclesPerFrame), Double(r.modelled), accuracy: 0.05 * Double(r.modelled), "\(cfg)")
      XCTAssertEqual(Double(r.cyclesPerFrame), Double(r.rtlFormula), accuracy: 0.05 * Double(r.rtlFormula), "\(cfg)")
    }
  }

  /// Random windows: bit-exact, never slower than modelled, and as fast as the
  /// line buffer allows. The model (FINN's formula) also charges every frame
  /// the window fill, which this unit overlaps with the previous frame, so it
  /// can overestimate small padded maps; see rtlCyclesPerFrame.
  func testRandomWindowsMatchInterpreter() throws {
    var rng = SplitMix64(seed: 0x5_3755)
    for i in 0..<3 {
      let cfg = Self.randomConfig(&rng, size: 6...12, symmetricStride: true)
      let r = try check(cfg, frames: 3, seed: UInt64(i))
      report(cfg, r)
      XCTAssertLessThanOrEqual(r.cyclesPerFrame, r.modelled + r.modelled / 20, "\(cfg)")
      XCTAssertGreaterThanOrEqual(r.cyclesPerFrame, r.ioBound, "\(cfg)")
      XCTAssertEqual(Double(r.cyclesPerFrame), Double(r.rtlFormula), accuracy: 0.05 * Double(r.rtlFormula), "\(cfg)")
    }
  }

  func testIcarusAgreesOnAsymmetricWindows() throws {
    let configs = [
      Config(
        h: 5, w: 6, c: 4, simd: 2, kernel: [3, 2], strides: [2, 1], pads: [1, 2, 0, 1], dilations: [1, 2], type: .int(5), padValue: 7),
      Config(h: 4, w: 5, c: 3, simd: 1, kernel: [2, 3], strides: [1, 2], pads: [1, 0, 1, 1], dilations: [2, 1], type: .bipolar, padValue: 1),
    ]
    for (i, cfg) in configs.enumerated() {
      try check(cfg, frames: 2, seed: UInt64(200 + i), simulator: .icarus, stallFrames: i == 0 ? 1 : 0)
    }
  }

  func testEmittedDesignsAreLintClean() throws {
    let configs = [
      Config(h: 8, w: 7, c: 6, simd: 2, kernel: [3, 2], strides: [2, 1], pads: [1, 2, 2, 0], dilations: [1, 2], type: .int(3), padValue: -1),
      Config(h: 1, w: 1, c: 1, simd: 1, kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], type: .bipolar),
      Config(h: 32, w: 32, c: 64, simd: 16, kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], type: .uint(8)),
    ]
    for cfg in configs {
      let g = try graph(cfg)
      let unit = try RTLHarness.instance(g, LayerFolding(simd: cfg.simd))
      try SWUMaxPoolLint.lint([unit], "\(cfg)")
    }
  }

  func testUnsupportedShapesThrow() throws {
    var cfg = Config(h: 6, w: 6, c: 4, simd: 1, kernel: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], type: .int(4))
    var g = try graph(cfg)
    XCTAssertThrowsError(try RTLHarness.instance(g, LayerFolding(simd: 3))) {
      guard case FinchCostError.invalidFolding = $0 else { return XCTFail("\($0)") }
    }
    cfg.pads = [3, 0, 0, 0]
    g = try graph(cfg)
    XCTAssertThrowsError(try RTLHarness.instance(g, LayerFolding(simd: 2))) {
      guard case RTLError.unsupported = $0 else { return XCTFail("\($0)") }
    }
  }
}

/// `verilator --lint-only -Wall` on an emitted design (finch_top and the modules it uses).
enum SWUMaxPoolLint {
  static func lint(_ chain: [ModuleInstance], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-lint-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let sources = try VerilogLibrary.writeDesign(chain, to: dir).filter { name in
      name == "finch_top.v" || chain.contains { $0.module + ".v" == name }
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["verilator", "--lint-only", "-Wall", "--top-module", "finch_top"] + sources
    process.currentDirectoryURL = dir
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      XCTFail("verilator is not installed; install it with: apt-get install -y verilator (or: bash scripts/setup.sh)", file: file, line: line)
      return
    }
    XCTAssertEqual(process.terminationStatus, 0, "lint of \(what):\n\(log)", file: file, line: line)
    XCTAssertFalse(log.contains("%Warning"), "lint of \(what):\n\(log)", file: file, line: line)
  }
}
