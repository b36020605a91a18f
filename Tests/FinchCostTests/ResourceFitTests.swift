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

  /// xc7 holds the whole grid; xcup and iCE40 all its MVAU points and the
  /// first 40 of every other module's (`--limit 40 --limit mvau=187`).
  func testTheDatasetsHoldTheGridsPoints() throws {
    let points = CharacterizationGrid.points()
    XCTAssertEqual(points.map(\.key), CharacterizationGrid.points().map(\.key), "the grid must not depend on the run")
    for dataset in try Self.datasets() {
      func limit(_ m: CharacterizationPoint.Module) -> Int { dataset.family == .xc7 ? Int.max : m == .mvau ? Int.max : 40 }
      let expected = CharacterizationPoint.Module.allCases.flatMap { m in points.filter { $0.module == m }.prefix(limit(m)) }.map(\.key)
      let failed = Set(dataset.failed.map(\.point))
      XCTAssertTrue(failed.isSubset(of: expected), "\(dataset.family): failed points outside the grid")
      XCTAssertEqual(dataset.rows.map(\.point), expected.filter { !failed.contains($0) }, "\(dataset.family): rerun finch characterize sweep")
      for row in dataset.rows { XCTAssertEqual(CharacterizationPoint(key: row.point)?.key, row.point) }
    }
  }

  /// The residual table (`finch characterize fit --residuals`): one line per
  /// point, training and held-out, with the estimate beside Yosys' count.
  func testResidualTableHasEveryPoint() throws {
    let datasets = try Self.datasets()
    let lines = try ResourceFit.residualsCSV(datasets, ResourceCoefficients.bundled).split(separator: "\n")
    XCTAssertEqual(lines.count, 1 + datasets.map(\.rows.count).reduce(0, +))
    func columns(_ line: Substring) -> [Substring] { line.split(separator: ",", omittingEmptySubsequences: false) }
    for line in lines.dropFirst() { XCTAssertEqual(columns(line).count, columns(lines[0]).count, String(line)) }
    let row = try XCTUnwrap(datasets[0].rows.first)
    let sample = try XCTUnwrap(try ResourceFit.samples(datasets[0]).first)
    let estimate = ResourceCoefficients.bundled.resources(sample.terms, on: datasets[0].family)
    XCTAssertEqual(columns(lines[1])[4...5].joined(separator: ","), "\(estimate.lut),\(row.resources.lut)")
  }

  /// Points the tool failed on travel with the dataset, named with the
  /// tool's error, and read back as written (files without them still read).
  func testFailedPointsRoundTrip() throws {
    let point = CharacterizationPoint(.fifo, ["width": 8, "depth": 16])
    let dataset = CharacterizationDataset(
      family: .xcup, part: "xczu3eg", tool: "Yosys 0.23", rows: [.init(point: point, synthesized: Resources(lut: 9, ff: 8))],
      failed: [.init(point: "mvau a=3", reason: "lutrams_xc5v_map.v:181: ERROR: invalid OPTION_ABITS/WIDTH combination.")])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("finch-dataset-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try dataset.encoded().write(to: url)
    XCTAssertEqual(try CharacterizationDataset.read(url), dataset)
    try CharacterizationDataset(family: .xcup, part: "xczu3eg", tool: "Yosys 0.23", rows: dataset.rows).encoded().write(to: url)
    XCTAssertFalse(try String(contentsOf: url, encoding: .utf8).contains("failed"))
    XCTAssertEqual(try CharacterizationDataset.read(url).failed, [])
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
    "ice40 mvau": (11.7, 22.1, 9.1),
    "ice40 thresholding": (38.9, 97.8, 10.2),
    "ice40 swu": (2.5, 6.1, 0.9),
    "ice40 maxpool": (4.1, 10.0, 2.3),
    "ice40 label_select": (19.0, 33.4, 17.1),
    "ice40 fifo": (2.4, 9.9, 1.7),
    "ice40 dwc": (7.3, 19.7, 1.4),
    "xc7 mvau": (11.7, 32.9, 11.8),
    "xc7 thresholding": (9.4, 28.6, 20.3),
    "xc7 swu": (7.2, 17.3, 6.8),
    "xc7 maxpool": (12.5, 42.7, 3.0),
    "xc7 label_select": (149.1, 275.0, 308.9),
    "xc7 fifo": (8.4, 20.4, 4.9),
    "xc7 dwc": (15.3, 42.7, 1.2),
    "xcup mvau": (10.6, 40.8, 10.5),
    "xcup thresholding": (13.9, 28.6, 20.3),
    "xcup swu": (8.0, 13.6, 4.8),
    "xcup maxpool": (9.1, 16.0, 2.2),
    "xcup label_select": (143.8, 237.5, 314.8),
    "xcup fifo": (8.8, 22.5, 4.1),
    "xcup dwc": (9.9, 28.7, 1.4),
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
