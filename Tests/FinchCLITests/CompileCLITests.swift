import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// `finch compile` as a user runs it.
final class CompileCLITests: XCTestCase {
  private func temporaryFolder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("finch-compile-\(UUID().uuidString)").path
  }

  func testFixturesCompileToHardwareLayersAndRunIdentically() throws {
    let expectedOps = [
      "tfc_w1a1": ["Thresholding", "MVAU", "MVAU", "MVAU", "MVAU"],
      "tfc_w2a2": ["Thresholding", "MVAU", "MVAU", "MVAU", "MVAU"],
      "cnv_w1a1_small": ["Thresholding", "SWU", "MVAU", "SWU", "MVAU", "StreamingMaxPool", "SWU", "MVAU", "SWU", "MVAU",
                         "StreamingMaxPool", "SWU", "MVAU", "SWU", "MVAU", "MVAU", "MVAU"],
    ]
    for fixture in Fixture.all {
      let dir = temporaryFolder()
      defer { try? FileManager.default.removeItem(atPath: dir) }
      let r = try FinchCLI.run(["compile", fixture.modelPath, "-o", dir])
      XCTAssertEqual(r.status, 0, r.stderr)
      let summary = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as? [String: Any])
      let layers = try XCTUnwrap(summary["layers"] as? [[String: Any]])
      XCTAssertEqual(layers.map { $0["op"] as? String ?? "" }, expectedOps[fixture.name], fixture.name)
      let host = try XCTUnwrap(summary["host"] as? [String: Any])
      XCTAssertEqual((host["epilogue"] as? [[String: Any]])?.map { $0["op"] as? String ?? "" }, ["Sub", "Div", "Mul", "Add"])
      XCTAssertEqual((summary["unlowered"] as? [Any])?.count, 0)
      let stages = try FileManager.default.contentsOfDirectory(atPath: dir + "/stages").sorted()
      XCTAssertEqual(stages.first, "00-import.txt")
      XCTAssertTrue(stages.contains { $0.hasSuffix("-specialize-layers.txt") }, "\(stages)")
      for file in ["compiled.onnx", "streamlined.onnx"] {
        let run = try FinchCLI.run(["run", dir + "/" + file, "-i", fixture.inputPath])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").first?.split(separator: " ").map { Int64($0)! }, try fixture.predictions(), file)
      }
    }
  }

  func testUnannotatedRawExportNeedsAnInputTypeAndLeavesNoOutput() throws {
    let cnv = Fixture(name: "cnv_w1a1_small")
    let dir = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let refused = try FinchCLI.run(["compile", cnv.rawModelPath, "-o", dir])
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.hasPrefix("error: "), refused.stderr)
    XCTAssertTrue(refused.stderr.contains("/conv_features.1/Conv") && refused.stderr.contains("--input-type"), refused.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir))

    let allowed = try FinchCLI.run(["compile", cnv.rawModelPath, "-o", dir, "--allow-host-ops"])
    XCTAssertEqual(allowed.status, 0, allowed.stderr)
    XCTAssertTrue(allowed.stdout.contains("left on host"), allowed.stdout)

    let typed = try FinchCLI.run(["compile", cnv.rawModelPath, "-o", dir, "--input-type", "UINT8"])
    XCTAssertEqual(typed.status, 0, typed.stderr)
    XCTAssertFalse(typed.stdout.contains("left on host"), typed.stdout)
    let run = try FinchCLI.run(["run", dir + "/compiled.onnx", "-i", cnv.inputPath])
    XCTAssertEqual(run.stdout.split(separator: "\n").first?.split(separator: " ").map { Int64($0)! }, try cnv.predictions())
  }

  func testPrintAfterAndUsageMistakes() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let dir = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try FinchCLI.run(["compile", tfc.modelPath, "-o", dir, "--print-after", "specialize-layers"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("// after specialize-layers") && r.stdout.contains("MVAU{xnor=1"), r.stdout)
    XCTAssertEqual(try FinchCLI.run(["compile", tfc.modelPath, "-o", dir, "--print-after", "no-such-pass"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["compile", tfc.modelPath, "-o", dir, "--input-type", "UINT99"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["compile", tfc.modelPath]).status, 64)
  }
}
