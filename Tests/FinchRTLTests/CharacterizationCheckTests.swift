import FinchCost
import FinchIR
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The committed characterization datasets still describe the installed
/// Yosys: a few random points of each family (a new sample every run; the
/// seed is printed) synthesized again must give the committed counts. The
/// same check as `finch characterize check DATASET --sample 2`.
final class CharacterizationCheckTests: XCTestCase {
  func testARandomSampleResynthesizesToTheCommittedCounts() throws {
    let seed = ProcessInfo.processInfo.environment["FINCH_CHARACTERIZE_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
    print("characterization sample seed \(seed) (FINCH_CHARACTERIZE_SEED reproduces it)")
    var rng = SplitMix64(seed: seed)
    for family in DeviceFamily.allCases {
      let dataset = try CharacterizationDataset.read(Fixture.characterizationDirectory.appendingPathComponent("\(family.rawValue).json"))
      // Two points of modules that synthesize in seconds, one MVAU.
      let quick = dataset.rows.filter { !$0.point.hasPrefix("mvau") }, mvaus = dataset.rows.filter { $0.point.hasPrefix("mvau") && $0.lut < 800 }
      let rows = [rng.pick(quick), rng.pick(quick), rng.pick(mvaus)]
      let points = try rows.map { try XCTUnwrap(CharacterizationPoint(key: $0.point)) }
      let part = try DeviceCatalogue.bundled().device(named: dataset.part).part
      let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finch-characterize-check-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: cache) }
      let fresh = try Characterizer.sweep(points, part: part, jobs: 2, cache: cache) { _, _, _ in }
      XCTAssertEqual(fresh.tool, dataset.tool, "the installed Yosys is not the one the dataset was made with")
      XCTAssertEqual(fresh.failed, [], "\(family): a committed row no longer synthesizes")
      for (old, new) in zip(rows, fresh.rows) { XCTAssertEqual(old, new, "\(family): \(old.point) synthesizes differently now") }
    }
  }

  /// A point Yosys fails on is recorded with Yosys' own error line.
  func testToolErrorNamesYosysError() {
    let log = "yosys failed (exit 1): /usr/bin/../share/yosys/xilinx/lutrams_xc5v_map.v:181: ERROR: invalid OPTION_ABITS/WIDTH combination. (the design and yosys.log are in /x)"
    XCTAssertEqual(Characterizer.toolError(in: log), "lutrams_xc5v_map.v:181: ERROR: invalid OPTION_ABITS/WIDTH combination.")
    XCTAssertEqual(Characterizer.toolError(in: "no such tool"), "no such tool")
  }
}
