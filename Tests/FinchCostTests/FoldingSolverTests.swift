@testable import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import XCTest

final class FoldingSolverTests: XCTestCase {
  let pynq = Resources(lut: 53_200, ff: 106_400, dsp: 220, bram18: 280)

  /// Random networks of MVAUs, sliding windows, pools and thresholds.
  private func randomLayers(_ rng: inout SplitMix64) -> [HardwareLayer] {
    func pick(_ values: [Int]) -> Int { values[Int(rng.next() % UInt64(values.count))] }
    var layers: [HardwareLayer] = []
    var t = HardwareLayer(name: "thresholds", kind: .thresholding)
    (t.channels, t.vectors, t.thresholds, t.inputBits, t.outputBits) = (pick([1, 3, 7]), pick([64, 100]), pick([1, 3, 255]), 8, pick([1, 2, 8]))
    layers.append(t)
    for i in 0..<pick([1, 2, 3, 4]) {
      let c = pick([3, 5, 16, 24, 64])
      if rng.next() % 2 == 0 {
        var s = HardwareLayer(name: "swu\(i)", kind: .swu)
        let d = pick([5, 8, 13])
        (s.channels, s.kernel, s.inputDims, s.outputDims, s.inputBits) = (c, [3, 3], [d, d], [d - 2, d - 2], pick([1, 2, 4]))
        layers.append(s)
        var m = HardwareLayer(name: "conv\(i)", kind: .mvau)
        (m.mw, m.mh, m.vectors, m.inputBits, m.weightBits, m.accumulatorBits, m.thresholds) =
          (9 * c, pick([6, 10, 32]), (d - 2) * (d - 2), s.inputBits, pick([1, 2, 4, 8]), 16, pick([0, 1, 3]))
        layers.append(m)
      } else {
        var m = HardwareLayer(name: "fc\(i)", kind: .mvau)
        (m.mw, m.mh, m.inputBits, m.weightBits, m.accumulatorBits, m.thresholds, m.xnor) =
          (pick([7, 64, 100, 784]), pick([10, 12, 64]), 1, 1, 10, pick([0, 1]), true)
        layers.append(m)
      }
    }
    return layers
  }

  func testSolverRespectsDivisibilityMeetsReachableTargetsAndIsDeterministic() {
    let seed = UInt64(ProcessInfo.processInfo.environment["FINCH_PROPERTY_SEED"] ?? "") ?? 20_261_125
    var rng = SplitMix64(seed: seed)
    for round in 0..<200 {
      let layers = randomLayers(&rng)
      let solver = FoldingSolver(layers: layers, capacity: pynq, family: .xc7)
      let target = Int(rng.next() % 20_000) + 1
      let foldings = solver.solve(targetCycles: target)
      XCTAssertEqual(foldings, solver.solve(targetCycles: target), "seed \(seed) round \(round): not deterministic")
      for (l, f) in zip(layers, foldings) {
        XCTAssertTrue(l.peChoices.contains(f.pe) && l.simdChoices.contains(f.simd), "seed \(seed) round \(round): \(l.name) \(f)")
      }
      let achieved = zip(layers, foldings).map { CycleModel.cycles($0, $1) }.max()!
      if target >= solver.fastestCycles {
        XCTAssertLessThanOrEqual(achieved, target, "seed \(seed) round \(round): reachable target missed")
      } else {
        XCTAssertEqual(achieved, solver.fastestCycles, "seed \(seed) round \(round): unreachable target should give the fastest pipeline")
      }
    }
  }

  /// The solver's foldings cost no more, layers and glue together, than any
  /// other way to meet the target: checked against every combination of the
  /// stages' options on small random networks (brute force).
  func testFoldingsMinimizeLayersPlusGlue() {
    let seed = UInt64(ProcessInfo.processInfo.environment["FINCH_PROPERTY_SEED"] ?? "") ?? 20_261_206
    var rng = SplitMix64(seed: seed)
    var checked = 0
    for round in 0..<300 where checked < 40 {
      let layers = randomLayers(&rng)
      let solver = FoldingSolver(layers: layers, capacity: pynq, family: .xc7)
      let target = Int(rng.next() % 20_000) + 1
      let choices = solver.choices(targetCycles: target)
      guard choices.map(\.count).reduce(1, *) <= 20_000 else { continue }
      checked += 1
      /// Layers plus glue of one option per stage.
      func total(_ picked: [FoldingSolver.StageOption]) -> Double {
        zip(picked.dropFirst(), picked).reduce(picked.map(\.cost).reduce(0, +)) { $0 + solver.glueCost(from: $1.1.outputBits, to: $1.0.inputBits) }
      }
      var cheapest = Double.infinity
      func search(_ picked: [FoldingSolver.StageOption]) {
        guard picked.count < choices.count else { return cheapest = min(cheapest, total(picked)) }
        for o in choices[picked.count] { search(picked + [o]) }
      }
      search([])
      let chosen = solver.foldings(targetCycles: target)
      let picked = zip(solver.stages, choices).map { stage, options in
        options.first { $0.foldings == stage.map { chosen[$0] } }!
      }
      XCTAssertEqual(total(picked), cheapest, accuracy: 1e-9, "seed \(seed) round \(round)")
    }
    XCTAssertGreaterThan(checked, 10, "seed \(seed): too few small networks")
  }

  func testBudgetFitsAndMoreBudgetIsNeverSlower() throws {
    var g = try Fixture(name: "cnv_w1a1_small").model()
    try Pipeline.compile.run(on: &g)
    let layers = try HardwareLayer.layers(of: g)
    let solver = FoldingSolver(layers: layers, capacity: pynq, family: .xc7)
    var previous = Int.max
    for budget in [0.2, 0.3, 0.8, 1.0] {
      let foldings = try XCTUnwrap(solver.solve(budget: budget), "budget \(budget)")
      let used = zip(layers, foldings).map { ResourceModel.resources($0, $1, on: .xc7) }.reduce(Resources(), +)
      XCTAssertLessThanOrEqual(Double(used.lut), budget * Double(pynq.lut))
      XCTAssertLessThanOrEqual(Double(used.bram18), budget * Double(pynq.bram18))
      let cycles = zip(layers, foldings).map { CycleModel.cycles($0, $1) }.max()!
      XCTAssertLessThanOrEqual(cycles, previous, "budget \(budget)")
      previous = cycles
    }
    XCTAssertNil(solver.solve(budget: 0.0001))
  }

  func testFoldingFileErrorsNameTheLayer() {
    var m = HardwareLayer(name: "fc", kind: .mvau)
    (m.mw, m.mh) = (64, 10)
    XCTAssertThrowsError(try FoldingConfig(layers: [.init(name: "fc", pe: 3, simd: 8)]).pinned(in: [m])) { error in
      XCTAssertEqual("\(error)", "folding of layer 'fc': PE 3 is not one of [1, 2, 5, 10]")
    }
    XCTAssertThrowsError(try FoldingConfig(layers: [.init(name: "nope", pe: 1, simd: 1)]).pinned(in: [m])) { error in
      XCTAssertTrue("\(error)".contains("'nope'") && "\(error)".contains("fc"))
    }
    let twice = FoldingConfig(layers: [.init(name: "fc", pe: 2, simd: 8), .init(name: "fc", pe: 5, simd: 8)])
    XCTAssertThrowsError(try twice.pinned(in: [m])) { error in
      XCTAssertEqual("\(error)", "folding of layer 'fc': listed more than once")
    }
  }
}
