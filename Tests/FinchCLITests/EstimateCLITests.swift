import FinchTestSupport
import Foundation
import XCTest

/// `finch estimate` as a user runs it.
final class EstimateCLITests: XCTestCase {
  private func json(_ args: [String]) throws -> [String: Any] {
    let r = try FinchCLI.run(args + ["--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
  }

  func testTargetIsMetOnEveryFixtureAndBoardWhereReachable() throws {
    for fixture in Fixture.all {
      for board in ["pynq-z1", "ultra96", "zcu104"] {
        let e = try json(["estimate", fixture.modelPath, "--board", board, "--fps", "2000"])
        XCTAssertEqual(e["target_met"] as? Bool, true, "\(fixture) \(board)")
        XCTAssertGreaterThanOrEqual(e["fps"] as? Double ?? 0, 2000)
        for key in ["board", "part", "clock_mhz", "layers", "totals", "capacity", "latency_cycles", "first_frame_latency_cycles",
                    "steady_state_latency_cycles", "bottleneck"] {
          XCTAssertNotNil(e[key], key)
        }
        let layer = try XCTUnwrap((e["layers"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(layer.keys), [
          "name", "op", "pe", "simd", "cycles", "first_output_cycle", "last_output_cycle", "lut", "ff", "dsp", "bram18", "uram", "ebr",
        ])
      }
    }
  }

  func testUnreachableTargetSaysSoAndGivesTheBestFigure() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let r = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--fps", "1e12"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("NOT met (the fastest folding reaches"), r.stdout)
    let e = try json(["estimate", tfc.modelPath, "--board", "pynq-z1", "--fps", "1e12"])
    XCTAssertEqual(e["target_met"] as? Bool, false)
  }

  func testWrittenFoldingReproducesTheEstimate() throws {
    let cnv = Fixture(name: "cnv_w1a1_small")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("finch-folding-\(UUID()).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let first = try json(["estimate", cnv.modelPath, "--board", "ultra96", "--budget", "0.5", "--write-folding", file])
    let again = try json(["estimate", cnv.modelPath, "--board", "ultra96", "--folding", file])
    XCTAssertEqual(first["fps"] as? Double, again["fps"] as? Double)
    XCTAssertEqual((first["layers"] as? [[String: Any]])?.map { $0["cycles"] as? Int }, (again["layers"] as? [[String: Any]])?.map { $0["cycles"] as? Int })
  }

  func testBadFoldingAndUsageErrors() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("finch-bad-folding-\(UUID()).json").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Data(#"{"layers": [{"name": "MatMul_0", "pe": 7, "simd": 1}]}"#.utf8).write(to: URL(fileURLWithPath: file))
    let bad = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--folding", file])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.stderr.contains("MatMul_0") && bad.stderr.contains("PE 7"), bad.stderr)
    let board = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "no-such-board", "--fps", "10"])
    XCTAssertEqual(board.status, 1)
    XCTAssertTrue(board.stderr.contains("pynq-z1"), board.stderr)
    XCTAssertEqual(try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--budget", "2"]).status, 64)
  }
}
