import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// The `finch` command as a user runs it: output, files and exit status.
final class CLITests: XCTestCase {
  let tfc = Fixture(name: "tfc_w1a1")

  func testVersionAndHelp() throws {
    let version = try FinchCLI.run(["--version"])
    XCTAssertEqual(version.status, 0)
    XCTAssertTrue(version.stdout.contains("0."), version.stdout)
    let help = try FinchCLI.run(["--help"])
    XCTAssertEqual(help.status, 0)
    for word in ["inspect", "run"] { XCTAssertTrue(help.stdout.contains(word), help.stdout) }
    for sub in ["inspect", "run"] {
      let r = try FinchCLI.run([sub, "--help"])
      XCTAssertEqual(r.status, 0)
      XCTAssertTrue(r.stdout.contains("USAGE"), r.stdout)
    }
  }

  func testInspectPrintsGraphAndTotals() throws {
    let r = try FinchCLI.run(["inspect", tfc.modelPath])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("input global_in: UINT8[1,1,28,28]"), r.stdout)
    XCTAssertTrue(r.stdout.contains("MatMul_0 = MatMul("), r.stdout)
    // 784*64 + 64*64 + 64*64 + 64*10 MACs; every weight bipolar (1 bit).
    XCTAssertTrue(r.stdout.contains("total: 59008 MACs, 59008 weights, 59008 parameter bits"), r.stdout)
  }

  func testInspectJSONIsOneObject() throws {
    let r = try FinchCLI.run(["inspect", Fixture(name: "tfc_w2a2").modelPath, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(object["total_macs"] as? Int, 59008)
    XCTAssertEqual(object["total_parameter_bits"] as? Int, 2 * 59008)
    let layers = try XCTUnwrap(object["layers"] as? [[String: Any]])
    let first = try XCTUnwrap(layers.first { ($0["name"] as? String) == "MatMul_0" })
    XCTAssertEqual(first["weight_type"] as? String, "INT2")
  }

  func testRunPrintsReferencePredictionsAndAccuracy() throws {
    for fixture in [tfc, Fixture(name: "tfc_w2a2")] {
      let r = try FinchCLI.run(["run", fixture.modelPath, "--input", fixture.inputPath, "--labels", fixture.labelsPath])
      XCTAssertEqual(r.status, 0, r.stderr)
      let lines = r.stdout.split(separator: "\n")
      XCTAssertEqual(lines.first?.split(separator: " ").map { Int64($0)! }, try fixture.predictions())
      XCTAssertTrue(lines.last?.hasPrefix("accuracy: ") ?? false, r.stdout)
    }
  }

  func testRunWritesOutputsEqualToReference() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("finch-cli-\(UUID()).npy").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let r = try FinchCLI.run(["run", tfc.modelPath, "-i", tfc.inputPath, "-o", out])
    XCTAssertEqual(r.status, 0, r.stderr)
    let y = try NPY.read(path: out)
    XCTAssertLessThanOrEqual(maxRelativeError(y, try tfc.outputs()), 1e-5)
  }

  func testErrorsAreOneLineWithStatusOne() throws {
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("finch-bad-\(UUID()).onnx").path
    try Data(try Data(contentsOf: URL(fileURLWithPath: tfc.modelPath)).prefix(1000)).write(to: URL(fileURLWithPath: bad))
    let wrongShape = FileManager.default.temporaryDirectory.appendingPathComponent("finch-shape-\(UUID()).npy").path
    try NPY.write(Tensor(shape: [2, 3], floats: [0, 0, 0, 0, 0, 0]), path: wrongShape)
    defer {
      try? FileManager.default.removeItem(atPath: bad)
      try? FileManager.default.removeItem(atPath: wrongShape)
    }
    let cases: [([String], String)] = [
      (["inspect", "/nonexistent/model.onnx"], "/nonexistent/model.onnx"),
      (["inspect", bad], bad),
      (["run", tfc.modelPath, "-i", "/nonexistent/x.npy"], "/nonexistent/x.npy"),
      (["run", tfc.modelPath, "-i", wrongShape], "global_in"),
    ]
    for (args, mention) in cases {
      let r = try FinchCLI.run(args)
      XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
      XCTAssertTrue(r.stderr.contains(mention), r.stderr)
      XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
  }

  func testUsageMistakesExit64() throws {
    for args in [["run", tfc.modelPath], ["inspect"], ["frobnicate"], ["inspect", tfc.modelPath, "--nope"]] {
      let r = try FinchCLI.run(args)
      XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
    }
  }
}

/// `finch export` as a user runs it.
final class ExportCLITests: XCTestCase {
  func testFloatExportRunsIdenticallyAndQDQRefusesSign() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("finch-export-\(UUID()).onnx").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    for fixture in [Fixture(name: "tfc_w1a1"), Fixture(name: "tfc_w2a2")] {
      let export = try FinchCLI.run(["export", fixture.modelPath, "--format", "float", "-o", out])
      XCTAssertEqual(export.status, 0, export.stderr)
      let run = try FinchCLI.run(["run", out, "-i", fixture.inputPath])
      XCTAssertEqual(run.stdout.split(separator: "\n").first?.split(separator: " ").map { Int64($0)! }, try fixture.predictions())
    }
    XCTAssertEqual(try FinchCLI.run(["export", Fixture(name: "tfc_w2a2").modelPath, "--format", "qdq", "-o", out]).status, 0)
    let refused = try FinchCLI.run(["export", Fixture(name: "tfc_w1a1").modelPath, "--format", "qdq", "-o", out + ".qdq"])
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.contains("BipolarQuant") && refused.stderr.contains("--format float"), refused.stderr)
    XCTAssertEqual(try FinchCLI.run(["export", Fixture(name: "tfc_w1a1").modelPath, "--format", "nope", "-o", out]).status, 64)
  }
}
