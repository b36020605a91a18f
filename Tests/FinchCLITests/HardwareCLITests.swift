import FinchTestSupport
import Foundation
import XCTest

/// `finch build`, `finch simulate` and `finch synth` as a user runs them.
final class HardwareCLITests: XCTestCase {
  func testBuildSimulateSynthesize() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-build-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let build = try FinchCLI.run(["build", tfc.modelPath, "--board", "pynq-z1", "--fps", "20000", "-o", dir, "--json"])
    XCTAssertEqual(build.status, 0, build.stderr)
    let built = try build.jsonObject()
    XCTAssertEqual(built["folder"] as? String, dir)
    XCTAssertNotNil((built["estimate"] as? [String: Any])?["fps"])
    XCTAssertNotNil((built["estimate"] as? [String: Any])?["first_frame_latency_cycles"])
    XCTAssertTrue(build.stderr.contains("[3/3] generating RTL"), build.stderr)
    for file in ["compiled.onnx", "streamlined.onnx", "summary.json", "folding.json", "estimates.json", "rtl/finch_top.v",
                 "rtl/manifest.json", "inputs.npy", "labels.npy", "stages/00-import.txt"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + file), file)
    }
    // rtl/ holds the design alone (the testbench is written into sim/), lint-clean as it is.
    let rtl = URL(fileURLWithPath: dir).appendingPathComponent("rtl")
    let verilog = try FileManager.default.contentsOfDirectory(atPath: rtl.path).filter { $0.hasSuffix(".v") }.sorted()
    XCTAssertFalse(verilog.contains("finch_tb.v"), "\(verilog)")
    let lint = Process()
    lint.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    lint.arguments = ["verilator", "--lint-only", "-Wall"] + verilog
    lint.currentDirectoryURL = rtl
    let pipe = Pipe()
    (lint.standardOutput, lint.standardError) = (pipe, pipe)
    try lint.run()
    let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    lint.waitUntilExit()
    XCTAssertEqual(lint.terminationStatus, 0, log)
    XCTAssertEqual(log, "", "verilator --lint-only -Wall rtl/*.v")
    let sim = try FinchCLI.run(["simulate", dir, "--frames", "6", "--stall", "0.3", "--json"])
    XCTAssertEqual(sim.status, 0, sim.stderr)
    let report = try sim.jsonObject()
    XCTAssertEqual(report["frames"] as? Int, 6)
    XCTAssertEqual(report["mismatches"] as? Int, 0)
    for key in [
      "cycles_per_frame", "estimated_cycles_per_frame", "first_frame_latency_cycles", "estimated_first_frame_latency_cycles", "sim_cycles_per_second",
    ] {
      XCTAssertNotNil(report[key], key)
    }
    let synth = try FinchCLI.run(["synth", dir, "--part", "xczu3eg", "--json"])
    XCTAssertEqual(synth.status, 0, synth.stderr)
    let s = try synth.jsonObject()
    let totals = try XCTUnwrap(s["totals"] as? [String: Int])
    XCTAssertGreaterThan(totals["lut"] ?? 0, 100)
    XCTAssertEqual(s["part"] as? String, "xczu3eg")
    XCTAssertNotNil(s["error_pct"])
    // Synthesis and the estimate name every element (layers, FIFOs, width converters) alike: the join leaves nothing unmatched.
    let estimated = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/estimates.json"))) as? [String: Any])
    let estimateNames = try XCTUnwrap(estimated["layers"] as? [[String: Any]]).compactMap { $0["name"] as? String }
    let synthRows = try XCTUnwrap(s["layers"] as? [[String: Any]])
    XCTAssertEqual(Set(synthRows.compactMap { $0["name"] as? String }), Set(estimateNames))
    XCTAssertEqual(synthRows.count, estimateNames.count)
    XCTAssertTrue(synthRows.allSatisfy { $0["estimate"] != nil }, "\(synthRows)")
    XCTAssertTrue(estimateNames.contains { $0.hasPrefix("fifo_") }, "\(estimateNames)")
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/synth/report.json"))

    // An edited or missing design file is refused, naming it.
    let top = dir + "/rtl/finch_top.v"
    try (try String(contentsOfFile: top, encoding: .utf8) + "// edited\n").write(toFile: top, atomically: true, encoding: .utf8)
    for command in ["simulate", "synth"] {
      let r = try FinchCLI.run([command, dir])
      XCTAssertEqual(r.status, 1, r.stderr)
      XCTAssertTrue(r.stderr.contains("finch_top.v: edited since it was written"), r.stderr)
    }
    try FileManager.default.removeItem(atPath: dir + "/rtl/finch_mvau.v")
    let missing = try FinchCLI.run(["simulate", dir])
    XCTAssertTrue(missing.stderr.contains("finch_mvau.v: missing"), missing.stderr)
  }

  func testBuildRefusesWithoutTargetAndLeavesNothing() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-build-\(UUID().uuidString)").path
    XCTAssertEqual(try FinchCLI.run(["build", tfc.modelPath, "--board", "pynq-z1", "-o", dir]).status, 64)
    let bad = try FinchCLI.run(["build", tfc.modelPath, "--board", "nope", "--fps", "10", "-o", dir])
    XCTAssertEqual(bad.status, 1)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir))
    let missing = try FinchCLI.run(["simulate", dir])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.hasPrefix("error: "), missing.stderr)
  }
}
