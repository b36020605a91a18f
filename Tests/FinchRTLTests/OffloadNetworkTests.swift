import FinchIR
import FinchOffload
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// Whole networks through the engine Verilog in Verilator (``assertEngineRuns``):
/// the full-size BNN-PYNQ CNV at W1A1 and W2A2, and random networks of
/// hardware layers with mixed 1–4-bit weights and activations; bit-exact with
/// the interpreter in lockstep with the reference model, on the ideal DRAM
/// within 5% of the cost model's cycles, and on the slow, stalling DRAM.
final class OffloadNetworkTests: XCTestCase {
  /// Full-size CNV (64-64-128-128-256-256 conv, 512-512-10 FC) on PE 16 × SIMD 32:
  /// every layer on the engine but the input quantizer and the first convolution, whose inputs are 8-bit pixels.
  func testFullSizeCNVMatchesInterpreter() throws {
    let cases = [
      (1, try EngineSimulation.engine(pe: 16, simd: 32, w: 1, a: 1, channels: 256, weights: 1152, thresholds: 16, word: 64)),
      (2, try EngineSimulation.engine(pe: 16, simd: 32, w: 2, a: 2, channels: 256, weights: 1152, thresholds: 16, word: 128)),
    ]
    for (bits, engine) in cases {
      var graph = try BNNPynqCNV.make(bits: bits)
      try Pipeline.compile.run(on: &graph)
      let samples = try EngineSimulation.samples(randomFor: graph, count: 2, seed: 7)
      try assertEngineRuns(graph, engine, samples: samples, slowSamples: 1, label: "CNV-W\(bits)A\(bits)", cpuLayers: ["input_quant", "conv0_swu", "conv0"])
    }
  }

  /// Seeds of the random networks: `FINCH_ENGINE_SEEDS` (`first...last`) or 1...20.
  static var seeds: ClosedRange<UInt64> {
    let bounds = ProcessInfo.processInfo.environment["FINCH_ENGINE_SEEDS"]?.components(separatedBy: "...").compactMap { UInt64($0) } ?? []
    return bounds.count == 2 && bounds[0] <= bounds[1] ? bounds[0]...bounds[1] : 1...20
  }

  /// Random networks (``RandomEngineGraph``: padded convolutions with strides
  /// 1–3, overlapping max-pools, FC after a flatten, raw accumulators), by
  /// seed one of three classes, each on an engine of its widths: W1A1 XNOR on
  /// PE 4 × SIMD 8, up to 2 bits on PE 2 × SIMD 16 with a 32-bit port and a
  /// 64-word weight buffer (tiles), up to 4 bits on PE 3 × SIMD 4 with a 64-word one. Three
  /// engines, so three Verilator builds however many seeds
  /// (`scripts/offload-random.sh` runs many).
  func testRandomNetworksMatchInterpreter() throws {
    let engines = [
      try EngineSimulation.engine(pe: 4, simd: 8, w: 1, a: 1),
      try EngineSimulation.engine(pe: 2, simd: 16, w: 2, a: 2, weights: 64, word: 32),
      try EngineSimulation.engine(pe: 3, simd: 4, w: 4, a: 4, t: 24, weights: 64),
    ]
    var (networks, calls, tiled, pooled, overlapping, padded, fc) = (0, 0, 0, 0, 0, 0, 0)
    for seed in Self.seeds {
      let kind = Int(seed % 3)
      let graph = try RandomEngineGraph.make(seed: seed, xnor: kind == 0, bits: [1, 2, 4][kind])
      let schedule = try ScheduleCompiler(engine: engines[kind]).schedule(graph)
      // A network whose only convolution the engine cannot take (an unthresholded one before a pool, say) has nothing to simulate.
      guard !schedule.calls.isEmpty else { continue }
      let samples = try EngineSimulation.samples(randomFor: graph, count: 2, seed: seed)
      try assertEngineRuns(graph, engines[kind], samples: samples, slowSamples: 1, label: "random seed \(seed)")
      networks += 1
      for call in schedule.calls {
        let (pool, pads) = (call[.pool] ?? 0, call[.pads] ?? 0)
        calls += 1
        if call.tiles > 1 { tiled += 1 }
        if call.layers.count == 1 { fc += 1 }
        if call.layers.count == 3 { pooled += 1 }
        if pads != 0 { padded += 1 }
        if pool != 0, (pool & 0xFF) > (pool >> 16 & 0xFF) || (pool >> 8 & 0xFF) > (pool >> 24) { overlapping += 1 }
      }
    }
    print("random networks \(Self.seeds): \(networks) on the engine, \(calls) engine calls, \(tiled) tiles, \(pooled) pooled (\(overlapping) overlapping), \(padded) padded, \(fc) FC")
    XCTAssertGreaterThanOrEqual(networks, Self.seeds.count * 3 / 4)
    for (count, what) in [(tiled, "tiled"), (pooled, "pooled"), (overlapping, "overlapping pools"), (padded, "padded"), (fc, "FC")] {
      XCTAssertGreaterThan(count, 0, "no \(what) call among the random networks")
    }
  }
}
