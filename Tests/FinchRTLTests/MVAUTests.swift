import FinchCost
import FinchIR
import FinchInterpreter
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// `finch_mvau` against the interpreter: randomized shapes, foldings and types,
/// under Verilator (with and without random stalls) and Icarus, cycles per
/// vector against the cycle model, and `verilator --lint-only -Wall`.
final class MVAUTests: XCTestCase {
  /// One test layer: x `[1, ..., MW]` of `input` times `[MW, MH]` weights of `weight`.
  struct Config: CustomStringConvertible {
    var name: String
    var mw: Int
    var mh: Int
    var pe: Int
    var simd: Int
    var input: DataType
    var weight: DataType
    var xnor = false
    /// Output type with thresholds (nil: raw accumulators).
    var activation: DataType? = nil
    var outScale = 1
    var outBias = 0
    /// Thresholds per channel (nil: as many as the output type has levels, less one).
    var steps: Int? = nil
    /// Leading dimensions of x (vectors per frame = their product).
    var lead: [Int] = [1, 16]
    var seed: UInt64 = 1

    var description: String {
      let act = activation.map { "\($0) x\(outScale)+\(outBias)" } ?? "raw"
      return "\(name): MW \(mw) MH \(mh) PE \(pe) SIMD \(simd) \(input) x \(weight)\(xnor ? " xnor" : "") -> \(act), x \(lead + [mw]), seed \(seed)"
    }
  }

  // MARK: - Graphs

  private func value(_ t: DataType, _ rng: inout SplitMix64) -> Float {
    if t == .bipolar { return rng.next() % 2 == 0 ? -1 : 1 }
    return Float(rng.int(Int(t.min)...Int(t.max)))
  }

  /// The one-node graph of `c`, with random weights and thresholds drawn from
  /// the accumulators the random `inputs` produce (so outputs spread over levels).
  private func graph(_ c: Config, inputs: inout [Tensor]) throws -> Graph {
    var rng = SplitMix64(seed: c.seed)
    let xShape = Shape(c.lead + [c.mw])
    inputs = (0..<2).map { _ in Tensor(shape: xShape, floats: (0..<xShape.elementCount).map { _ in value(c.input, &rng) }) }
    let w = (0..<(c.mw * c.mh)).map { _ in value(c.weight, &rng) }
    var initializers = ["w": Tensor(shape: [c.mw, c.mh], floats: w)]
    var nodeInputs = ["x", "w"]
    var types = ["x": ValueType(shape: xShape, dataType: c.input), "w": ValueType(shape: [c.mw, c.mh], dataType: c.weight)]
    if let out = c.activation {
      // Accumulators per channel, as the unit computes them (XNOR: agreements).
      var accs = [[Int64]](repeating: [], count: c.mh)
      for x in inputs {
        let xv = x.int64s
        for r in 0..<(xv.count / c.mw) {
          for ch in 0..<c.mh {
            var acc: Int64 = 0
            for i in 0..<c.mw {
              let (a, b) = (xv[r * c.mw + i], Int64(w[i * c.mh + ch]))
              acc += c.xnor ? (a == b ? 1 : 0) : a * b
            }
            accs[ch].append(acc)
          }
        }
      }
      let steps = c.steps ?? (out == .bipolar ? 1 : Int(out.max - out.min))
      var t: [Float] = []
      for ch in 0..<c.mh {
        var row = (0..<steps).map { _ in Float(rng.pick(accs[ch]) + Int64(rng.int(-1...1))) }
        // Now and then a threshold outside any reachable accumulator.
        if ch % 5 == 1 { row[0] = -100_000 }
        if ch % 7 == 2 { row[steps - 1] = 100_000 }
        t += row.sorted()
      }
      initializers["t"] = Tensor(shape: [c.mh, steps], floats: t)
      types["t"] = ValueType(shape: [c.mh, steps])
      nodeInputs.append("t")
    }
    let op = Op.mvau(MVAU(xnor: c.xnor, outScale: c.outScale, outBias: c.outBias, outType: c.activation))
    var g = Graph(
      name: "mvau", inputs: ["x"], outputs: ["y"], nodes: [Node(name: "layer", op: op, inputs: nodeInputs, outputs: ["y"])],
      initializers: initializers, types: types)
    try g.inferTypes()
    try g.verify()
    return g
  }

  // MARK: - Running

  /// What one configuration gave: measured and modelled steady-state cycles per vector.
  struct Measured {
    var cyclesPerVector: Double
    var model: Int
  }

  /// Builds `c`, simulates `frames` frames of random input and demands the
  /// interpreter's output bit for bit. Reuses `directory` (and its simulator build).
  @discardableResult
  private func check(
    _ c: Config, simulator: Simulation.Simulator = .verilator, stall: Int = 0, frames: Int = 2, directory: URL? = nil,
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> Measured {
    var inputs: [Tensor] = []
    let g = try graph(c, inputs: &inputs)
    let folding = LayerFolding(pe: c.pe, simd: c.simd)
    let unit = try RTLHarness.instance(g, folding)
    let dir = directory ?? scratch("\(c.name)-\(simulator)")
    let sources = try VerilogLibrary.writeDesign([unit], to: dir)
    var sim = Simulation(
      directory: dir, sources: sources, inputWidth: unit.input.wordBits, outputWidth: unit.output.wordBits)
    sim.simulator = simulator
    sim.stall = stall
    sim.seed = Int(c.seed % 1000) + 1
    let feed = (0..<frames).map { inputs[$0 % inputs.count] }
    let words = try feed.flatMap { try unit.input.words($0) }
    let result = try sim.run(input: words, outputCount: unit.outputWords * feed.count)
    let outShape = try XCTUnwrap(g.type(of: "y")).shape
    for (f, x) in feed.enumerated() {
      let expected = try XCTUnwrap(try Interpreter(graph: g).run(["x": x])["y"])
      let got = try unit.output.tensor(
        fromWords: Array(result.words[(f * unit.outputWords)..<((f + 1) * unit.outputWords)]), shape: outShape)
      if got.int64s != expected.int64s {
        let bad = zip(got.int64s, expected.int64s).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(5)
          .map { "[\($0.offset)] \($0.element.0) != \($0.element.1)" }
        XCTFail("\(c) \(simulator) stall \(stall) frame \(f): \(bad.joined(separator: ", "))", file: file, line: line)
      }
    }
    // Steady state: from the end of the first quarter of the vectors to the last.
    let nf = c.mh / c.pe
    let vectors = result.cycles.count / nf
    let first = max(1, vectors / 4)
    let cpv = vectors > first ? Double(result.cycles[vectors * nf - 1] - result.cycles[first * nf - 1]) / Double(vectors - first) : 0
    let layer = try XCTUnwrap(try HardwareLayer.layers(of: g).first)
    let model = CycleModel.cycles(layer, folding) / layer.vectors
    return Measured(cyclesPerVector: cpv, model: model)
  }

  /// One folder per configuration, shared by the tests of this class so a
  /// Verilator build is reused (the memory files are read at run time).
  nonisolated(unsafe) private static var folders: [String: URL] = [:]

  private func scratch(_ name: String) -> URL {
    if let dir = Self.folders[name] { return dir }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-mvau-\(name)-\(UUID().uuidString)")
    Self.folders[name] = dir
    return dir
  }

  override class func tearDown() {
    for dir in folders.values { try? FileManager.default.removeItem(at: dir) }
    folders = [:]
    super.tearDown()
  }

  // MARK: - Configurations

  /// The Verilator matrix: every mode, extreme and odd foldings, 1-8 bit
  /// signed/unsigned/bipolar/ternary operands, with and without thresholds.
  /// (Each configuration costs a Verilator build of about 8 s.)
  static let configs: [Config] = [
    // BNN layer (FINN's bin4x16): XNOR-popcount, sign activation, conv-like input.
    Config(name: "xnor-sign", mw: 64, mh: 16, pe: 4, simd: 16, input: .bipolar, weight: .bipolar, xnor: true,
           activation: .bipolar, outScale: 2, outBias: -1, lead: [1, 6, 6], seed: 11),
    // XNOR without activation (2P - MW), odd sizes.
    Config(name: "xnor-raw-odd", mw: 45, mh: 15, pe: 5, simd: 9, input: .bipolar, weight: .bipolar, xnor: true, lead: [1, 24], seed: 12),
    // 4-bit unsigned activations x 4-bit signed weights, 2-bit output.
    Config(name: "u4-i4-u2", mw: 36, mh: 12, pe: 3, simd: 6, input: .uint(4), weight: .int(4), activation: .uint(2), lead: [1, 4, 5], seed: 13),
    // Fully parallel (PE = MH, SIMD = MW): one vector per cycle; unsigned products, scaled levels.
    Config(name: "parallel", mw: 12, mh: 4, pe: 4, simd: 12, input: .uint(3), weight: .uint(6), activation: .int(5), outScale: 2,
           outBias: -1, steps: 7, lead: [1, 64], seed: 14),
    // Fully folded (PE = SIMD = 1), 8-bit x 8-bit, raw accumulators.
    Config(name: "folded-i8", mw: 10, mh: 3, pe: 1, simd: 1, input: .int(8), weight: .int(8), lead: [1, 3, 3], seed: 15),
    // CNV's first layer: 8-bit pixels x bipolar weights, sign activation.
    Config(name: "u8-bipolar", mw: 27, mh: 16, pe: 4, simd: 3, input: .uint(8), weight: .bipolar, activation: .bipolar,
           outScale: 2, outBias: -1, lead: [1, 5, 5], seed: 16),
    // Bipolar inputs x 5-bit weights, 8-bit output (255 thresholds), odd SIMD.
    Config(name: "bipolar-i5-u8", mw: 20, mh: 4, pe: 2, simd: 5, input: .bipolar, weight: .int(5), activation: .uint(8), lead: [1, 12],
           seed: 17),
    // 0/1 inputs x ternary weights, raw accumulators, PE = MH.
    Config(name: "binary-ternary", mw: 24, mh: 8, pe: 8, simd: 2, input: .binary, weight: .ternary, lead: [1, 10], seed: 18),
  ]

  func testVerilatorMatchesInterpreterAndCycleModel() throws {
    var table: [String] = []
    for c in Self.configs {
      let m = try check(c, frames: 2)
      let error = abs(m.cyclesPerVector - Double(m.model)) / Double(m.model)
      table.append("\(c.name): \(String(format: "%.2f", m.cyclesPerVector)) cycles/vector, model \(m.model)")
      XCTAssertLessThanOrEqual(error, 0.05, "\(c): \(m.cyclesPerVector) cycles per vector, model \(m.model)")
    }
    print("MVAU steady state (Verilator):\n  " + table.joined(separator: "\n  "))
  }

  /// Random stalls on both streams: same outputs, nothing lost or duplicated.
  func testStallsGiveTheSameOutputs() throws {
    for c in [Self.configs[0], Self.configs[3], Self.configs[5]] {  // XNOR, fully parallel, 8-bit x bipolar
      try check(c, stall: 300, frames: 2)
      try check(c, stall: 700, frames: 1)
    }
  }

  /// Random configurations (types, sizes and foldings from the seed); set
  /// FINCH_MVAU_SEEDS=a,b,... to explore more.
  func testRandomConfigurations() throws {
    let seeds = ProcessInfo.processInfo.environment["FINCH_MVAU_SEEDS"].map { $0.split(separator: ",").compactMap { UInt64($0) } } ?? [14]
    for seed in seeds {
      let c = Self.random(seed: seed)
      print("random MVAU: \(c)")
      let m = try check(c, frames: 2)
      XCTAssertLessThanOrEqual(abs(m.cyclesPerVector - Double(m.model)), 0.05 * Double(m.model), "\(c)")
    }
  }

  /// A random layer: sizes 1-40 by 1-24, any folding, 1-8 bit operands.
  static func random(seed: UInt64) -> Config {
    var rng = SplitMix64(seed: seed &* 7919)
    let xnor = rng.chance(0.25)
    func type() -> DataType {
      switch rng.int(0...4) {
      case 0: return .bipolar
      case 1: return .binary
      case 2: return .ternary
      case 3: return .int(rng.int(2...8))
      default: return .uint(rng.int(2...8))
      }
    }
    let (input, weight) = xnor ? (DataType.bipolar, DataType.bipolar) : (type(), type())
    let mw = rng.int(1...40), mh = rng.int(1...24)
    let pe = rng.pick((1...mh).filter { mh % $0 == 0 }), simd = rng.pick((1...mw).filter { mw % $0 == 0 })
    var c = Config(name: "random\(seed)", mw: mw, mh: mh, pe: pe, simd: simd, input: input, weight: weight, xnor: xnor,
                   lead: [1, rng.int(4...24)], seed: seed)
    switch rng.int(0...2) {
    case 0: break
    case 1: (c.activation, c.outScale, c.outBias) = (.bipolar, 2, -1)
    default:
      let bits = rng.int(1...4), signed = rng.chance(0.5)
      c.activation = signed && bits > 1 ? .int(bits) : .uint(bits)
      c.outBias = signed && bits > 1 ? -(1 << (bits - 1)) : 0
    }
    return c
  }

  /// A sample under Icarus (a second simulator), kept small: Icarus is ~1000x slower.
  func testIcarusMatchesInterpreter() throws {
    var xnor = Self.configs[1]
    xnor.lead = [1, 3]
    var parallel = Self.configs[3]
    parallel.lead = [1, 6]
    var wide = Self.configs[6]
    wide.lead = [1, 2]  // 255 thresholds: the widest popcount
    try check(xnor, simulator: .icarus, frames: 1)
    try check(parallel, simulator: .icarus, stall: 300, frames: 2)
    try check(wide, simulator: .icarus, frames: 1)
  }

  // MARK: - Lint and errors

  /// `verilator --lint-only -Wall` on the module with the emitter's parameters.
  func testLintCleanForEmittedParameters() throws {
    let verilator = try XCTUnwrap(
      Self.which("verilator"), "verilator is not installed; install it with: apt-get install -y verilator (or: bash scripts/setup.sh)")
    let module = try XCTUnwrap(VerilogLibrary.directory).appendingPathComponent("finch_mvau.v")
    for c in Self.configs + [Self.random(seed: 7)] {
      var inputs: [Tensor] = []
      let g = try graph(c, inputs: &inputs)
      let unit = try RTLHarness.instance(g, LayerFolding(pe: c.pe, simd: c.simd))
      let process = Process()
      process.executableURL = URL(fileURLWithPath: verilator)
      process.arguments = ["--lint-only", "-Wall", "--top-module", "finch_mvau", module.path] + unit.parameters.map { "-G\($0.name)=\($0.value)" }
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = pipe
      try process.run()
      let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0, "\(c.name): \(log)")
      XCTAssertEqual(log.trimmingCharacters(in: .whitespacesAndNewlines), "", "\(c.name)")
    }
  }

  func testMemoryLayoutAndFoldingErrors() throws {
    // W[i][c] = 10 i + c (MW 4, MH 2), PE 2, SIMD 2: line nf*SF + sf, lane (p, s) at (p*SIMD + s)*W_BITS.
    let w = Tensor(shape: [4, 2], floats: (0..<8).map { Float(($0 / 2) * 10 + $0 % 2) })
    let t = Tensor(shape: [2, 3], floats: [-1000, 5, 70, 0, 1, 1000])
    var g = Graph(
      name: "m", inputs: ["x"], outputs: ["y"],
      nodes: [Node(name: "mv", op: .mvau(MVAU(xnor: false, outType: .uint(2))), inputs: ["x", "w", "t"], outputs: ["y"])],
      initializers: ["w": w, "t": t],
      types: ["x": ValueType(shape: [1, 4], dataType: .uint(2)), "w": ValueType(shape: [4, 2], dataType: .uint(7))])
    try g.inferTypes()
    let unit = try RTLHarness.instance(g, LayerFolding(pe: 2, simd: 2))
    // Lanes (p, s) = (0,0) W[0][0]=0, (0,1) W[1][0]=10, (1,0) W[0][1]=1, (1,1) W[1][1]=11 for sf 0; rows 2, 3 for sf 1.
    XCTAssertEqual(unit.memoryFiles["mv_weights.mem"], String(format: "%07x\n%07x\n", 11 << 21 | 1 << 14 | 10 << 7 | 0, 31 << 21 | 21 << 14 | 30 << 7 | 20))
    // Accumulators lie in [0, 3*(1+11+21+31)] = [0, 192]; thresholds clamp to [0, 193], 9 bits signed.
    let tParam = unit.parameters.first { $0.name == "T_BITS" }?.value
    XCTAssertEqual(tParam, "9")
    let words = [0, 5, 70, 0, 1, 193].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64($1.offset * 9) }
    XCTAssertEqual(unit.memoryFiles["mv_thresholds.mem"], String(format: "%014llx\n", words))
    XCTAssertEqual(unit.inputWords, 2)
    XCTAssertEqual(unit.outputWords, 1)

    for (pe, simd) in [(3, 1), (1, 3)] {
      XCTAssertThrowsError(try RTLHarness.instance(g, LayerFolding(pe: pe, simd: simd))) {
        guard case FinchCostError.invalidFolding(let layer, _) = $0 else { return XCTFail("\($0)") }
        XCTAssertEqual(layer, "mv")
      }
    }
  }

  private static func which(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }
}
