import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

final class OffloadCostTests: XCTestCase {
  /// Totals are the sums of the calls; each call is overhead + load + the
  /// larger of its row pipeline (at least compute) and activation traffic; the port limits bytes per cycle.
  func testTotalsAreConsistent() throws {
    let catalogue = try DeviceCatalogue.bundled()
    let board = try catalogue.board(named: "pynq-z1")
    let int4 = try EngineConfiguration(
      pe: 8, simd: 16, weightBits: 4, activationBits: 8, thresholdBits: 18, maxKernel: 3, maxChannels: 512, maxImageSize: 32,
      weightDepth: 256, thresholdDepth: 4)
    for (name, graph) in try (Fixture.all.map(\.name) + ["cnv"]).map({ ($0, try compiled($0 == "cnv" ? try BNNPynqCNV.make() : try Fixture(name: $0).model())) }) {
      let schedule = try ScheduleCompiler(engine: name.contains("w2") ? int4 : try binaryEngine()).schedule(graph)
      XCTAssertFalse(schedule.calls.isEmpty, name)
      let estimate = try OffloadEstimate(schedule, board: board, clockMHz: 100)
      XCTAssertEqual(estimate.bytesPerCycle, 8)  // 64-bit port below 2.1 GB/s at 100 MHz (21 B/cycle)
      XCTAssertEqual(estimate.cycles, estimate.calls.map(\.cycles).reduce(0, +))
      for (call, c) in zip(estimate.calls, schedule.calls) {
        XCTAssertEqual(call.computeCycles, c.peGroups * c.simdFolds * c.outputPixels)
        XCTAssertEqual(call.loadCycles, c.weightWords + c.thresholdWords)
        XCTAssertGreaterThanOrEqual(call.streamCycles, call.computeCycles)
        XCTAssertEqual(call.cycles, OffloadEstimate.overheadCycles + call.loadCycles + max(call.streamCycles, call.activationCycles))
      }
      XCTAssertEqual(estimate.fps * Double(estimate.cycles), 100e6, accuracy: 1)
      // A slower memory only makes memory-bound calls slower.
      let slow = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: 0.2)
      XCTAssertEqual(slow.bytesPerCycle, 2)
      XCTAssertGreaterThan(slow.cycles, estimate.cycles)
      XCTAssertEqual(slow.computeCycles, estimate.computeCycles)
    }
  }

  /// BNN-PYNQ's CNV-W1A1 on PYNQ-Z1 at 100 MHz through a solved engine:
  /// with 8-bit lanes every conv and FC layer is on the engine, with
  /// 1-bit lanes the 8-bit first conv goes to the CPU (as in QNN-MO-PYNQ) and
  /// the engine is faster, within 80% of the part, and the numbers printed for the note.
  func testSolvedEngineForCNVOnPynqZ1() throws {
    let catalogue = try DeviceCatalogue.bundled()
    var board = try catalogue.board(named: "pynq-z1")
    board.clockMHz = 100
    let layers = try HardwareLayer.layers(of: try compiled(try BNNPynqCNV.make()))
    let wide = try EngineSizeSolver(layers: layers, board: board, catalogue: catalogue).solve()
    XCTAssertEqual(wide.schedule.cpuLayers.map(\.name), ["input_quant"])
    let choice = try EngineSizeSolver(layers: layers, board: board, catalogue: catalogue, activationBits: 1).solve()
    XCTAssertEqual(choice.schedule.cpuLayers.map(\.name), ["input_quant", "conv0_swu", "conv0"])
    XCTAssertLessThan(choice.estimate.cycles, wide.estimate.cycles)
    let part = try catalogue.part(of: board)
    XCTAssertTrue(choice.resources.fits(Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18), fraction: 0.8))
    // The solver's choice is no slower than a hand-picked engine that fits.
    let hand = try OffloadEstimate(try ScheduleCompiler(engine: try binaryEngine()).schedule(layers), board: board)
    if EngineResources.total(try binaryEngine(), on: .xc7).fits(Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18), fraction: 0.8) {
      XCTAssertLessThanOrEqual(choice.estimate.cycles, hand.cycles)
    }
    for choice in [wide, choice] {
    let e = choice.engine, r = choice.resources
    print(
      "CNV-W1A1 offload on pynq-z1 @100 MHz: PE \(e.pe) SIMD \(e.simd) A\(e.activationBits) T\(e.thresholdBits) weight_depth \(e.weightDepth) "
        + "threshold_depth \(e.thresholdDepth): \(choice.estimate.cycles) cycles/frame (compute \(choice.estimate.computeCycles), "
        + "load \(choice.estimate.loadCycles)), \(Int(choice.estimate.fps)) fps, \(choice.schedule.calls.count) calls; "
        + "\(r.lut) LUT \(r.ff) FF \(r.dsp) DSP \(r.bram18) BRAM18")
    }
  }

  /// Random QNNs: the schedule covers every layer once, in order; every
  /// engine tile is counted once by the cost model; the image packs.
  func testRandomQNNsSchedule() throws {
    let engine = try EngineConfiguration(
      pe: 4, simd: 8, weightBits: 4, activationBits: 4, thresholdBits: 24, maxKernel: 5, maxChannels: 256, maxImageSize: 64,
      weightDepth: 128, thresholdDepth: 4)
    var engineLayers = 0
    for seed in UInt64(1)...30 {
      let graph: Graph
      do { graph = try compiled(RandomQNN.make(seed: seed)) } catch { continue }
      guard let layers = try? HardwareLayer.layers(of: graph), !layers.isEmpty else { continue }
      guard HardwarePartition(graph).unlowered.isEmpty else { continue }
      let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
      XCTAssertEqual(schedule.steps.flatMap(\.layers), layers.map(\.name), "seed \(seed)")
      XCTAssertEqual(schedule.steps.flatMap(\.calls), Array(schedule.calls.indices), "seed \(seed)")
      engineLayers += schedule.steps.filter { $0.kind == .engine }.count
      let image = try MemoryImage(schedule: schedule, layers: layers)
      XCTAssertEqual(image.bytes.count, schedule.memory.imageBytes, "seed \(seed)")
      let estimate = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: 1)
      XCTAssertEqual(estimate.calls.count, schedule.calls.count)
    }
    XCTAssertGreaterThan(engineLayers, 10, "random QNNs hardly reached the engine")
  }
}
