import FinchTestSupport
import Foundation
import XCTest

extension FinchCLI.Result {
  /// Standard output parsed as exactly one JSON object with Finch's schema
  /// version and snake_case keys throughout.
  func jsonObject(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let object = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: stdoutBytes) as? [String: Any], "stdout is not one JSON object: \(stdout)", file: file, line: line)
    XCTAssertEqual(object["schema_version"] as? Int, 1, file: file, line: line)
    var camel: [String] = []
    func walk(_ value: Any, _ path: String) {
      if let dict = value as? [String: Any] {
        for (key, inner) in dict {
          // Keys that are data (node names, op names, Verilog parameters) may have capitals.
          let isData = ["op_counts", "inputs", "outputs", "parameters", "attributes", "error_pct"].contains { path.hasSuffix("." + $0) }
          if !isData, key.contains(where: \.isUppercase) { camel.append(path + "." + key) }
          walk(inner, path + "." + key)
        }
      } else if let array = value as? [Any] {
        for inner in array { walk(inner, path) }
      }
    }
    walk(object, "")
    XCTAssertEqual(camel, [], "keys not in snake_case", file: file, line: line)
    return object
  }
}

/// `--json` on every command prints exactly one JSON object on stdout; progress
/// and status go to stderr.
final class JSONContractCLITests: XCTestCase {
  func testEveryCommandPrintsOneObject() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-json-\(UUID())")
    defer { try? FileManager.default.removeItem(at: work) }
    let compiled = work.appendingPathComponent("compiled").path
    let commands: [(arguments: [String], keys: [String])] = [
      (["inspect", tfc.modelPath], ["total_macs", "layers", "text"]),
      (["run", tfc.modelPath, "-i", tfc.inputPath, "--labels", tfc.labelsPath], ["predictions", "accuracy", "backend"]),
      (["run", tfc.modelPath, "-i", tfc.inputPath, "-o", work.appendingPathComponent("y.npy").path], ["output", "samples"]),
      (["compile", tfc.modelPath, "-o", compiled, "--print-after", "specialize-layers"], ["folder", "summary"]),
      (["estimate", compiled, "--board", "pynq-z1", "--fps", "1000"], ["fps", "layers", "totals"]),
      (["export", tfc.modelPath, "--format", "float", "-o", work.appendingPathComponent("f.onnx").path], ["output", "nodes"]),
      (["devices"], ["boards", "parts"]),
      (["roofline", "--board", "pynq-z1", tfc.modelPath], ["roofs", "networks"]),
      (["bench", tfc.modelPath, "--seconds", "0.05", "--layers"], ["frames_per_second", "layers"]),
      (["characterize", "fit", Fixture.characterizationDirectory.appendingPathComponent("ice40.json").path], ["held_out"]),
    ]
    for (arguments, keys) in commands {
      let r = try FinchCLI.run(arguments + ["--json"])
      XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
      let object = try r.jsonObject()
      for key in keys { XCTAssertNotNil(object[key], "\(arguments[0]): no \(key)") }
    }
    // Files a build writes follow the same contract.
    let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: compiled + "/summary.json"))) as? [String: Any]
    XCTAssertEqual(summary?["schema_version"] as? Int, 1)
  }

  func testJSONAndStandardOutputDataConflict() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    XCTAssertEqual(try FinchCLI.run(["run", tfc.modelPath, "-i", tfc.inputPath, "-o", "-", "--json"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["export", tfc.modelPath, "-o", "-", "--json"]).status, 64)
  }
}
