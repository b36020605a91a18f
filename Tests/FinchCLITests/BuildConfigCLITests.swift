import FinchTestSupport
import Foundation
import XCTest

/// `finch build MODEL --config build.json` with FINN's build configuration keys.
final class BuildConfigCLITests: XCTestCase {
  private var work: URL!

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  private func config(_ json: [String: Any]) throws -> String {
    let path = work.appendingPathComponent("build-\(UUID().uuidString).json").path
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    return path
  }

  func testFINNConfigBuildsAndSimulates() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let out = work.appendingPathComponent("out").path
    let path = try config([
      "output_dir": out, "board": "pynq-z1", "synth_clk_period_ns": 5.0, "target_fps": 20000,
      "generate_outputs": ["estimate_reports", "stitched_ip", "rtlsim_performance"],
    ])
    let r = try FinchCLI.run(["build", tfc.modelPath, "--config", path, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let result = try r.jsonObject()
    XCTAssertEqual(result["folder"] as? String, out)
    let estimate = try XCTUnwrap(result["estimate"] as? [String: Any])
    XCTAssertEqual(estimate["clock_mhz"] as? Double, 200)
    XCTAssertEqual(estimate["target_met"] as? Bool, true)
    let simulation = try XCTUnwrap(result["simulation"] as? [String: Any])
    XCTAssertEqual(simulation["mismatches"] as? Int, 0)
    XCTAssertEqual(simulation["frames"] as? Int, 8)
    XCTAssertNil(result["synthesis"])
    XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/rtl/manifest.json"))

    // The same build from the FINN folding it wrote, given as folding_config_file.
    let again = work.appendingPathComponent("again").path
    let pinned = try config(["output_dir": again, "fpga_part": "xc7z020", "folding_config_file": out + "/folding_config.json"])
    let second = try FinchCLI.run(["build", tfc.modelPath, "--config", pinned, "--json"])
    XCTAssertEqual(second.status, 0, second.stderr)
    let cycles = { (o: [String: Any]) in ((o["estimate"] as? [String: Any])?["layers"] as? [[String: Any]])?.compactMap { $0["cycles"] as? Int } }
    XCTAssertEqual(cycles(try second.jsonObject()), cycles(result))
  }

  func testBadConfigsAreClearErrors() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let out = work.appendingPathComponent("bad").path
    let cases: [([String: Any], [String])] = [
      (["output_dir": out, "board": "pynq-z1", "target_fps": 100, "mvau_wwidth_max": 36, "auto_fifo_depths": true],
       ["unknown keys 'auto_fifo_depths', 'mvau_wwidth_max'"]),
      (["output_dir": out, "target_fps": 100], ["'board' or 'fpga_part' is required"]),
      (["output_dir": out, "board": "pynq-z1"], ["give 'target_fps' or 'folding_config_file'"]),
      (["output_dir": out, "board": "pynq-z1", "target_fps": "fast"], ["'target_fps' must be a number"]),
      (["output_dir": out, "board": "pynq-z1", "target_fps": 100, "synth_clk_period_ns": 0.1], ["'synth_clk_period_ns' 0.1 gives 10000"]),
      (["output_dir": out, "board": "pynq-z1", "target_fps": 100, "generate_outputs": ["pynq_driver"]], ["'pynq_driver', which Finch does not produce"]),
      (["board": "pynq-z1", "target_fps": 100], ["'output_dir' is required"]),
    ]
    for (json, parts) in cases {
      let path = try config(json)
      let r = try FinchCLI.run(["build", tfc.modelPath, "--config", path])
      XCTAssertEqual(r.status, 1, r.stderr)
      XCTAssertTrue(r.stderr.hasPrefix("error: build configuration \(path): "), r.stderr)
      for p in parts { XCTAssertTrue(r.stderr.contains(p), "\(r.stderr) does not mention \(p)") }
      XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
    let mixed = try FinchCLI.run(["build", tfc.modelPath, "--config", try config(["output_dir": out]), "--board", "pynq-z1"])
    XCTAssertEqual(mixed.status, 64, mixed.stderr)
    XCTAssertTrue(mixed.stderr.contains("--config replaces"), mixed.stderr)
  }
}
