import FinchTestSupport
import Foundation
import XCTest

/// `--folding` takes Finch's form and FINN's folding_config.json form; a build
/// writes both.
final class FoldingFileCLITests: XCTestCase {
  func testBuildWritesBothFormsAndEstimateReadsThemAlike() throws {
    let tfc = Fixture(name: "tfc_w2a2")
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-folding-\(UUID())")
    defer { try? FileManager.default.removeItem(at: work) }
    let build = work.appendingPathComponent("b").path
    XCTAssertEqual(try FinchCLI.run(["build", tfc.modelPath, "--board", "pynq-z1", "--fps", "30000", "-o", build]).status, 0)
    var finn = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: build + "/folding_config.json"))) as? [String: Any])
    var first = try XCTUnwrap(finn["MatMul_0"] as? [String: Any])
    first["ram_style"] = "block"
    finn["MatMul_0"] = first
    let finnPath = work.appendingPathComponent("finn.json")
    try JSONSerialization.data(withJSONObject: finn).write(to: finnPath)
    var cycles: [[Int]] = []
    for (file, warning) in [(build + "/folding.json", false), (finnPath.path, true)] {
      let r = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--folding", file, "--json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      XCTAssertEqual(r.stderr.contains("warning: folding file \(file): ignoring what Finch does not use: Defaults, MatMul_0.ram_style"), warning, r.stderr)
      let layers = try XCTUnwrap(try r.jsonObject()["layers"] as? [[String: Any]])
      cycles.append(layers.compactMap { $0["cycles"] as? Int })
    }
    XCTAssertEqual(cycles[0], cycles[1])
    XCTAssertFalse(cycles[0].isEmpty)
  }
}
