import FinchCost
import FinchIR
import XCTest

/// The Pareto front against its definition: on random point sets (small
/// integer values, so ties and duplicates are common; every direction of
/// the two objectives; some points without a value), every point on the
/// front is dominated by no point, and every other point with values is
/// dominated by one. Exploration fronts take only points that fit.
final class ParetoFrontTests: XCTestCase {
  func testTheFrontIsExactlyTheNonDominatedPoints() {
    var rng = SplitMix64(seed: 2026)
    for trial in 0..<2000 {
      let count = Int.random(in: 0...30, using: &rng)
      let spread = Double(Int.random(in: 1...12, using: &rng))
      let values: [(Double, Double)?] = (0..<count).map { _ in
        Int.random(in: 0..<10, using: &rng) == 0
          ? nil : ((Double.random(in: 0..<spread, using: &rng)).rounded(.down), (Double.random(in: 0..<spread, using: &rng)).rounded(.down))
      }
      let maximize = (Bool.random(using: &rng), Bool.random(using: &rng))
      let front = Set(ParetoFront.indices(values, maximize: maximize))
      for (i, v) in values.enumerated() {
        guard let v else {
          XCTAssertFalse(front.contains(i), "trial \(trial): point \(i) has no value")
          continue
        }
        let dominated = values.contains { $0.map { ParetoFront.dominates($0, v, maximize: maximize) } ?? false }
        XCTAssertEqual(front.contains(i), !dominated, "trial \(trial) \(maximize): point \(i) \(v) of \(values)")
      }
      XCTAssertEqual(values.contains { $0 != nil }, !front.isEmpty, "trial \(trial): a set with values has a front")
    }
  }

  /// A point that does not fit its part is never on an exploration's front, however good.
  func testExplorationFrontsHoldOnlyPointsThatFit() {
    func point(_ lut: Int, accuracy: Double, fits: Bool) -> ExplorationPoint {
      ExplorationPoint(
        model: "m", device: "d", arch: "dataflow", clockMHz: 100, targetFPS: 1, budget: nil, accuracy: accuracy, fps: 1, latencyUs: 1, lut: lut,
        ff: 0, bram18: 0, ebr: 0, dsp: 0, watts: 1, fpsPerWatt: 1, fits: fits, targetMet: fits)
    }
    let points = [point(10, accuracy: 99, fits: false), point(20, accuracy: 90, fits: true), point(30, accuracy: 80, fits: true)]
    XCTAssertEqual(Exploration.fronts(of: points, [ObjectivePair(.accuracy, .lut)]), ["accuracy_vs_lut": [1]])
  }
}
