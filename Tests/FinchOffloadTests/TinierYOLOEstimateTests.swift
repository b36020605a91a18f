import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

/// Tinier-YOLO (QNN-MO-PYNQ's W1A3 detector, ``TinierYOLO``) through the
/// offload engine's cost model against the published reference: the W1A3
/// engine on PYNQ-Z1 at 100 MHz (Vivado 2017.4) took 46,888 LUT, 140 BRAM36
/// and 57 DSP, and the accelerated layers 106 ms per frame
/// (shared/research/finn.md §7). The numbers printed here are in
/// Docs/offload.md §7.
final class TinierYOLOEstimateTests: XCTestCase {
  /// The published W1A3 engine and frame time.
  static let reference = (lut: 46_888, bram36: 140, dsp: 57, milliseconds: 106.0)

  /// A hand-picked engine at the reference's limits (K ≤ 3, C ≤ 512, image
  /// ≤ 210, 1-bit weights, 3-bit activations, 16-bit thresholds): PE 32,
  /// SIMD 64, a weight buffer for 256 output channels of the widest layer
  /// (as the reference's output-channel limit of 256).
  static func handEngine() throws -> EngineConfiguration {
    try EngineConfiguration(
      pe: 32, simd: 64, weightBits: 1, activationBits: 3, thresholdBits: 16, maxKernel: 3, maxChannels: 512, maxImageSize: 210,
      weightDepth: 576, thresholdDepth: 16)
  }

  /// Full size (416×416) on pynq-z1 at 100 MHz, for the hand-picked engine
  /// and the solver's: every binary layer on the engine, only conv0 and conv8
  /// on the CPU, totals equal to the per-layer sums, the engine within
  /// xc7z020; the per-layer table and the comparison with the reference printed.
  func testFullSizeEstimateOnPynqZ1() throws {
    let graph = try compiled(try TinierYOLO.make())
    let layers = try HardwareLayer.layers(of: graph)
    let catalogue = try DeviceCatalogue.bundled()
    var board = try catalogue.board(named: "pynq-z1")
    board.clockMHz = 100
    let part = try catalogue.part(of: board)
    let capacity = Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18, uram: part.uram)
    // The solver sizes the engine for the accelerated layers (conv0 and conv8,
    // with 8-bit weights, would make it widen every lane). Its engine must
    // run conv6 and conv7 too: output tiles of 3-bit channels span whole
    // memory words, so the PE-1 engine cannot tile them, and measuring the
    // CPU layers against that engine alone let the solver drop them.
    let cpuConvs = Set(TinierYOLO.layers.filter { !$0.accelerated }.map(\.name))
    let accelerated = layers.filter { !cpuConvs.contains(Self.convName(of: $0.name)) }
    let solved = try EngineSizeSolver(layers: accelerated, board: board, catalogue: catalogue, activationBits: TinierYOLO.activationBits).solve()
    XCTAssertEqual(solved.engine.weightBits, 1)
    XCTAssertLessThanOrEqual(solved.engine.maxKernel, 3)
    XCTAssertLessThanOrEqual(solved.engine.maxChannels, 512)
    for (label, engine) in [("hand-picked", try Self.handEngine()), ("solver", solved.engine)] {
      let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
      XCTAssertEqual(Set(schedule.cpuLayers.map { Self.convName(of: $0.name) }), cpuConvs, "\(label): \(schedule.cpuLayers.map(\.reason))")
      let onEngine = schedule.steps.filter { $0.kind == .engine }.flatMap(\.layers)
      XCTAssertEqual(Set(onEngine), Set(layers.map(\.name)).subtracting(schedule.cpuLayers.map(\.name)), label)
      XCTAssertTrue(onEngine.contains("pool5"), "\(label): the 2×2 stride-1 pool is not fused into conv5's calls")
      let estimate = try OffloadEstimate(schedule, board: board)
      let rows = Self.perLayer(estimate)
      XCTAssertEqual(rows.map(\.layer), TinierYOLO.layers.filter(\.accelerated).map(\.name), label)
      XCTAssertEqual(rows.map(\.cycles).reduce(0, +), estimate.cycles, label)
      XCTAssertEqual(rows.map(\.calls).reduce(0, +), schedule.calls.count, label)
      let resources = EngineResources.total(engine, on: part.family)
      XCTAssertTrue(resources.fits(capacity), "\(label): \(resources) exceeds \(part.name)")
      print(Self.report(label, engine, estimate, rows, resources, EngineResources.estimate(engine, on: part.family)))
    }
  }

  /// At 128×128 (every layer kept, maps 1/3.25 the size; pool5 on 4×4) the whole network runs
  /// through the schedule on the engine's reference model bit-exact with the
  /// interpreter, each call moving and computing what the cost model counts.
  func testReducedSizeRunsBitExact() throws {
    let graph = try compiled(try TinierYOLO.make(imageSize: 128))
    let schedule = try ScheduleCompiler(engine: try Self.handEngine()).schedule(graph)
    XCTAssertEqual(Set(schedule.cpuLayers.map { Self.convName(of: $0.name) }), Set(TinierYOLO.layers.filter { !$0.accelerated }.map(\.name)))
    let samples = RandomQNN.inputs(for: graph, samples: 2, seed: 13)
    let counts = try assertRunsLikeInterpreter(graph, try Self.handEngine(), samples: samples, "Tinier-YOLO 128×128")
    XCTAssertEqual(counts.engineCalls, schedule.calls.count)
  }

  // MARK: - Table

  /// One accelerated convolution's share of a frame.
  struct Row {
    var layer: String
    var calls = 0, compute = 0, load = 0, activations = 0, cycles = 0
  }

  /// The hardware layer's convolution (`conv3_swu` → `conv3`).
  static func convName(of layer: String) -> String {
    layer.hasSuffix("_swu") ? String(layer.dropLast(4)) : layer
  }

  /// The estimate's calls summed per MVAU, in call order.
  static func perLayer(_ estimate: OffloadEstimate) -> [Row] {
    var rows: [Row] = []
    for call in estimate.calls {
      if rows.last?.layer != call.mvau { rows.append(Row(layer: call.mvau)) }
      rows[rows.count - 1].calls += 1
      rows[rows.count - 1].compute += call.computeCycles
      rows[rows.count - 1].load += call.loadCycles
      rows[rows.count - 1].activations += call.activationCycles
      rows[rows.count - 1].cycles += call.cycles
    }
    return rows
  }

  static func report(
    _ label: String, _ e: EngineConfiguration, _ estimate: OffloadEstimate, _ rows: [Row], _ r: Resources,
    _ parts: [(name: String, resources: Resources)]
  ) -> String {
    let ms = { (cycles: Int) in String(format: "%.2f", Double(cycles) / (estimate.clockMHz * 1e3)) }
    var lines = [
      "Tinier-YOLO 416×416, \(label) engine: PE \(e.pe) SIMD \(e.simd) W\(e.weightBits) A\(e.activationBits) T\(e.thresholdBits) "
        + "K\(e.maxKernel) C\(e.maxChannels) size \(e.maxImageSize) weight_depth \(e.weightDepth) threshold_depth \(e.thresholdDepth) "
        + "port \(e.memoryWordBits) bits, \(estimate.clockMHz) MHz, \(estimate.bytesPerCycle) B/cycle",
      "| layer | calls | compute | load | activations | cycles | ms |",
      "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows {
      lines.append("| \(row.layer) | \(row.calls) | \(row.compute) | \(row.load) | \(row.activations) | \(row.cycles) | \(ms(row.cycles)) |")
    }
    let sum = { (key: KeyPath<Row, Int>) in rows.map { $0[keyPath: key] }.reduce(0, +) }
    lines.append("| total | \(sum(\.calls)) | \(sum(\.compute)) | \(sum(\.load)) | \(sum(\.activations)) | \(estimate.cycles) | \(ms(estimate.cycles)) |")
    lines.append(
      "frame \(ms(estimate.cycles)) ms vs reference \(reference.milliseconds) ms; "
        + "\(r.lut) LUT, \(r.bram18) BRAM18 (\((r.bram18 + 1) / 2) BRAM36), \(r.dsp) DSP, \(r.ff) FF "
        + "vs reference \(reference.lut) LUT, \(reference.bram36) BRAM36, \(reference.dsp) DSP")
    lines.append("engine parts: " + parts.map { "\($0.name) \($0.resources.lut) LUT \($0.resources.bram18) BRAM18 \($0.resources.dsp) DSP" }.joined(separator: "; "))
    return lines.joined(separator: "\n")
  }
}
