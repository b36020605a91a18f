import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

final class CycleModelTests: XCTestCase {
  private func compiledLayers(_ graph: Graph) throws -> [HardwareLayer] {
    var g = graph
    try Pipeline.compile.run(on: &g)
    return try HardwareLayer.layers(of: g)
  }

  /// BNN-PYNQ's CNV-W1A1 folding on PYNQ-Z1 at 100 MHz reproduces the
  /// published per-layer cycles and 3,052 frames/s.
  func testBNNPynqCNVReproducesPublishedCycles() throws {
    let layers = try compiledLayers(try BNNPynqCNV.make())
    let mvauFolding = [(16, 3), (32, 32), (16, 32), (16, 32), (4, 32), (1, 32), (1, 4), (1, 8), (5, 1)]
    let mvaus = layers.indices.filter { layers[$0].kind == .mvau }
    XCTAssertEqual(mvaus.count, 9)
    var pins: [Int: FoldingConfig.Entry] = [:]
    for (k, i) in mvaus.enumerated() {
      pins[i] = FoldingConfig.Entry(name: layers[i].name, pe: mvauFolding[k].0, simd: mvauFolding[k].1)
      if i > 0, layers[i - 1].kind == .swu { pins[i - 1] = FoldingConfig.Entry(name: layers[i - 1].name, pe: nil, simd: mvauFolding[k].1) }
    }
    let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 53_200, ff: 106_400, dsp: 220, bram18: 280), family: .xc7, pinned: pins)
    let foldings = solver.solve(targetCycles: 100_000_000 / 3000)
    let cycles = layers.indices.map { CycleModel.cycles(layers[$0], foldings[$0]) }
    XCTAssertEqual(mvaus.map { cycles[$0] }, [32_400, 28_224, 20_736, 28_800, 20_736, 18_432, 32_768, 32_768, 1_024])
    XCTAssertEqual(cycles.max(), 32_768, "pooling or a sliding window became the bottleneck: \(zip(layers.map(\.name), cycles).map { $0 })")
    let estimate = Estimate(
      board: "pynq-z1", part: "xc7z020", family: .xc7, clockMHz: 100, capacity: solver.capacity,
      pipeline: try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, foldings)), targetFPS: 3000)
    XCTAssertEqual(estimate.fps.rounded(), 3052)
    XCTAssertTrue(estimate.targetMet)
    print("BNN-PYNQ CNV-W1A1 on xc7z020: Finch estimates \(estimate.totals.lut) LUT, \(estimate.totals.bram18) BRAM18 "
      + "(\(Double(estimate.totals.bram18) / 2) BRAM36), \(estimate.totals.dsp) DSP; published 26,072 LUT, 124 BRAM36, 24 DSP")
  }

  /// FINN's own estimates for the fixtures, at FINN's folding: the layers both
  /// model the same way must have the same cycles.
  func testCyclesAgreeWithFINNEstimates() throws {
    for fixture in Fixture.all {
      let layers = try compiledLayers(try fixture.model())
      let dir = Fixture.directory.appendingPathComponent("finn-estimates/\(fixture.name)")
      let configText = try String(contentsOf: dir.appendingPathComponent("auto_folding_config.json"), encoding: .utf8)
      let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(configText.utf8)) as? [String: Any])
      let finnCycles = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("estimate_layer_cycles.json"))) as? [String: Int])
      // FINN's layers in stream order (the order of the config file's keys).
      let order = config.keys.sorted { configText.range(of: "\"\($0)\"")!.lowerBound < configText.range(of: "\"\($1)\"")!.lowerBound }
      func finn(_ prefix: String) -> [String] { order.filter { $0.hasPrefix(prefix) } }
      // FINN lowers max-pool to a sliding window plus a pool unit; Finch streams max-pool directly.
      let convWindows = finn("ConvolutionInputGenerator").filter { name in
        let next = order.index(after: order.firstIndex(of: name)!)
        return next == order.endIndex || !order[next].hasPrefix("Pool")
      }
      var pairs: [(Int, String)] = []
      let ours = { (kind: HardwareLayer.Kind) in layers.indices.filter { layers[$0].kind == kind } }
      pairs += zip(ours(.mvau), finn("MVAU")).map { ($0, $1) }
      pairs += zip(ours(.thresholding), finn("Thresholding")).map { ($0, $1) }
      pairs += zip(ours(.swu), convWindows).map { ($0, $1) }
      XCTAssertEqual(pairs.count, ours(.mvau).count + ours(.thresholding).count + ours(.swu).count, fixture.name)
      for (i, name) in pairs {
        let entry = try XCTUnwrap(config[name] as? [String: Any])
        let f = LayerFolding(pe: entry["PE"] as? Int ?? 1, simd: entry["SIMD"] as? Int ?? 1)
        XCTAssertEqual(CycleModel.cycles(layers[i], f), finnCycles[name], "\(fixture) \(layers[i].name) vs FINN \(name)")
      }
    }
  }

  /// A few layers computed by hand from the documented formulas.
  func testHandComputedLayerEstimates() {
    var fc = HardwareLayer(name: "fc", kind: .mvau)
    (fc.mw, fc.mh, fc.inputBits, fc.weightBits, fc.accumulatorBits, fc.outputBits, fc.thresholds, fc.xnor) = (64, 64, 1, 1, 7, 1, 1, true)
    let f = LayerFolding(pe: 1, simd: 8)
    XCTAssertEqual(CycleModel.cycles(fc, f), 512)
    // Terms: 8 XNOR lanes; the 512 x 8 weight ROM stays logic (64 LUTs <= 129
    // per BRAM18), a LUT6 per 64 words of each bit: 8 * 8; one threshold per
    // channel; the 8 x 8 input buffer and the 2 x 1 output FIFO in RAM32M;
    // no DSP, no block RAM.
    let terms = ResourceModel.terms(fc, f, on: .xc7)
    XCTAssertEqual(terms.lut["xnor_lanes"], 8)
    XCTAssertEqual(terms.lut["weight_rom"], 64)
    XCTAssertEqual(terms.lut["ram32"], 9)
    XCTAssertEqual(terms.fixed, Resources())
    XCTAssertEqual(ResourceModel.resources(fc, f, on: .xc7), ResourceCoefficients.bundled.resources(terms, on: .xc7))

    var swu = HardwareLayer(name: "swu", kind: .swu)
    (swu.channels, swu.kernel, swu.stride, swu.inputDims, swu.outputDims, swu.inputBits) = (16, [3, 3], [1, 1], [30, 30], [28, 28], 1)
    // CF = 2: fill (2*30 + 2 + 1) * 2 = 126; 28 rows of max(28*9*2, 30*2) = 504.
    XCTAssertEqual(CycleModel.cycles(swu, LayerFolding(simd: 8)), 126 + 28 * 504)

    var pool = HardwareLayer(name: "pool", kind: .streamingMaxPool)
    (pool.channels, pool.kernel, pool.stride, pool.inputDims, pool.outputDims) = (16, [2, 2], [2, 2], [28, 28], [14, 14])
    XCTAssertEqual(CycleModel.cycles(pool, LayerFolding(pe: 4)), 28 * 28 * 4)
  }
}
