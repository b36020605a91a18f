import FinchCost
import FinchTestSupport
import Foundation
import XCTest

/// The resource model's fit, from the committed characterization datasets
/// (Data/characterization, written by `finch characterize sweep`): the
/// bundled coefficients are exactly what the fit gives, and the error on the
/// held-out points (which the fit never sees) is reported and may not grow.
final class ResourceFitTests: XCTestCase {

  static func datasets() throws -> [CharacterizationDataset] {
    try DeviceFamily.allCases.map { try CharacterizationDataset.read(Fixture.characterizationDirectory.appendingPathComponent("\($0.rawValue).json")) }
  }

  func testBundledCoefficientsAreTheFitOfTheCommittedDatasets() throws {
    let fitted = try ResourceFit.fit(try Self.datasets())
    XCTAssertEqual(fitted.families, ResourceCoefficients.bundled.families, "run: finch characterize fit Data/characterization/*.json -o Sources/FinchCost/Resources/resource-model.json")
  }

  /// xc7 holds the whole grid; xcup and iCE40 its first 40 points per module (`--limit 40`).
  func testTheDatasetsHoldTheGridsPoints() throws {
    let points = CharacterizationGrid.points()
    XCTAssertEqual(points.map(\.key), CharacterizationGrid.points().map(\.key), "the grid must not depend on the run")
    for dataset in try Self.datasets() {
      let limit = dataset.family == .xc7 ? Int.max : 40
      let expected = CharacterizationPoint.Module.allCases.flatMap { m in points.filter { $0.module == m }.prefix(limit) }.map(\.key)
      XCTAssertEqual(dataset.rows.map(\.point), expected, "\(dataset.family): rerun finch characterize sweep")
      for row in dataset.rows { XCTAssertEqual(CharacterizationPoint(key: row.point)?.key, row.point) }
    }
  }

  /// A dataset row is read like any file: a point outside the grid's ranges
  /// (a negative or huge size) names no point, and the dataset is refused.
  func testRowsOutsideTheParameterRangesAreRefused() {
    XCTAssertNil(CharacterizationPoint(key: "mvau a=2 ak=0 mh=-3 mw=8 pe=1 seed=1 simd=1 t=0 w=2 wk=1"))
    XCTAssertNil(CharacterizationPoint(key: "fifo depth=100000000 width=8"))
    XCTAssertNil(CharacterizationPoint(key: "dwc in=8 out=4 stray=1"))
    let row = CharacterizationDataset.Row(point: CharacterizationPoint(.fifo, ["width": 8, "depth": 1 << 40]), synthesized: Resources())
    XCTAssertThrowsError(try ResourceFit.samples(CharacterizationDataset(family: .xc7, part: "xc7z020", tool: "yosys", rows: [row])))
  }

  /// The measured held-out errors (Docs/cost-model.md) as a ceiling: LUT mean
  /// and worst, flip-flop mean, in % (a refit may improve them, never worsen).
  static let ceilings: [String: (lutMean: Double, lutWorst: Double, ffMean: Double)] = [
    "ice40 mvau": (32.5, 79.7, 11.6),
    "ice40 thresholding": (54.5, 100.0, 10.2),
    "ice40 swu": (2.1, 7.5, 1.4),
    "ice40 maxpool": (4.1, 9.9, 2.2),
    "ice40 label_select": (18.9, 33.3, 17.1),
    "ice40 fifo": (2.3, 9.9, 1.7),
    "ice40 dwc": (9.0, 26.0, 1.1),
    "xc7 mvau": (11.6, 32.9, 12.0),
    "xc7 thresholding": (53.0, 88.4, 20.3),
    "xc7 swu": (8.8, 19.5, 36.1),
    "xc7 maxpool": (13.2, 42.8, 3.0),
    "xc7 label_select": (149.0, 275.0, 308.8),
    "xc7 fifo": (10.9, 30.0, 4.9),
    "xc7 dwc": (16.6, 52.4, 1.1),
    "xcup mvau": (25.3, 64.5, 12.9),
    "xcup thresholding": (35.8, 91.8, 20.3),
    "xcup swu": (6.1, 19.6, 38.8),
    "xcup maxpool": (9.2, 13.4, 2.2),
    "xcup label_select": (143.8, 237.5, 314.7),
    "xcup fifo": (38.0, 122.7, 3.9),
    "xcup dwc": (19.3, 47.5, 1.1),
  ]

  func testHeldOutErrorsStayWithinTheirMeasuredCeilings() throws {
    let datasets = try Self.datasets()
    let errors = try ResourceFit.heldOutErrors(datasets, ResourceCoefficients.bundled)
    var lines: [String] = []
    for e in errors {
      lines.append(
        String(
          format: "%@ %@: %d points, LUT mean %.1f%% worst %.1f%%, FF mean %.1f%% worst %.1f%%, %d DSP/BRAM mismatches", e.family, e.module,
          e.points, e.lutMeanPct, e.lutWorstPct, e.ffMeanPct, e.ffWorstPct, e.memoryOrDSPMismatches.count))
      guard let c = Self.ceilings["\(e.family) \(e.module)"] else {
        XCTFail("no measured ceiling for \(e.family) \(e.module)")
        continue
      }
      XCTAssertLessThanOrEqual(e.lutMeanPct, c.lutMean + 0.05, "\(e.family) \(e.module)")
      XCTAssertLessThanOrEqual(e.lutWorstPct, c.lutWorst + 0.05, "\(e.family) \(e.module)")
      XCTAssertLessThanOrEqual(e.ffMeanPct, c.ffMean + 0.05, "\(e.family) \(e.module)")
    }
    print("Held-out error of the bundled resource model:\n" + lines.joined(separator: "\n"))
  }
}
