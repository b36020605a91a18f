import FinchTestSupport
import Foundation
import XCTest

/// `--folding` takes Finch's form and FINN's folding_config.json form; a build
/// writes both.
final class FoldingFileCLITests: XCTestCase {
  func testBuildWritesBothFormsAndEstimateReadsThemAlike() throws {
    for name in ["tfc_w2a2", "cnv_w1a1_small"] { try checkBothForms(Fixture(name: name)) }
  }

  private func checkBothForms(_ tfc: Fixture) throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-folding-\(UUID())")
    defer { try? FileManager.default.removeItem(at: work) }
    let build = work.appendingPathComponent("b").path
    XCTAssertEqual(try FinchCLI.run(["build", tfc.modelPath, "--board", "pynq-z1", "--fps", "30000", "-o", build]).status, 0)
    var finn = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: build + "/folding_config.json"))) as? [String: Any])
    let layer = try XCTUnwrap(finn.keys.filter { $0 != "Defaults" }.sorted().first)
    var first = try XCTUnwrap(finn[layer] as? [String: Any])
    first["ram_style"] = "block"
    finn[layer] = first
    let finnPath = work.appendingPathComponent("finn.json")
    try JSONSerialization.data(withJSONObject: finn).write(to: finnPath)
    var cycles: [[Int]] = []
    for (file, warning) in [(build + "/folding.json", false), (finnPath.path, true)] {
      let r = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--folding", file, "--json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      let warned = r.stderr.contains("warning: folding file \(file): ignoring what Finch does not use: ")
      XCTAssertEqual(warned && r.stderr.contains("Defaults") && r.stderr.contains("\(layer).ram_style"), warning, r.stderr)
      let layers = try XCTUnwrap(try r.jsonObject()["layers"] as? [[String: Any]])
      cycles.append(layers.compactMap { $0["cycles"] as? Int })
    }
    XCTAssertEqual(cycles[0], cycles[1], tfc.name)
    XCTAssertFalse(cycles[0].isEmpty)
    // A layer missing from either form, when the build must fold every layer from the file, is an error naming it.
    finn.removeValue(forKey: layer)
    try JSONSerialization.data(withJSONObject: finn).write(to: finnPath)
    var finchForm = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: build + "/folding.json"))) as? [String: Any])
    finchForm["layers"] = (finchForm["layers"] as? [[String: Any]])?.filter { $0["name"] as? String != layer }
    let finchPath = work.appendingPathComponent("finch.json")
    try JSONSerialization.data(withJSONObject: finchForm).write(to: finchPath)
    for file in [finnPath.path, finchPath.path] {
      let r = try FinchCLI.run(["simulate", build, "--frames", "1"], environment: [:])
      XCTAssertEqual(r.status, 0, r.stderr)
      try FileManager.default.removeItem(atPath: build + "/folding.json")
      try FileManager.default.copyItem(atPath: file, toPath: build + "/folding.json")
      let missing = try FinchCLI.run(["simulate", build, "--frames", "1"])
      XCTAssertEqual(missing.status, 1, missing.stderr)
      XCTAssertTrue(missing.stderr.contains("folding of layer '\(layer)': missing from the folding"), missing.stderr)
      try FileManager.default.removeItem(atPath: build + "/folding.json")
      try FileManager.default.copyItem(at: URL(fileURLWithPath: build + "/folding_config.json"), to: URL(fileURLWithPath: build + "/folding.json"))
    }
  }
}
