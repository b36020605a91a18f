import FinchTestSupport
import Foundation
import XCTest

/// `finch build --arch offload`, `finch simulate` and `finch synth` on the
/// offload build as a user runs them, with real Verilator and Yosys: TFC-W1A1
/// on a small engine (PE 8, SIMD 8) writes the engine's Verilog, which lints,
/// runs every frame bit-exact with the interpreter on an ideal and on a slow,
/// stalling DRAM, and synthesizes for the build's part beside the estimate;
/// the residual fixture runs its sums on the CPU between engine calls.
final class OffloadHardwareCLITests: XCTestCase {
  var work: URL!

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-offload-hw-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  /// Builds TFC-W1A1 for pynq-z1 on a PE 8 × SIMD 8 engine; returns the folder.
  func buildTFC() throws -> String {
    let engine: [String: Int] = [
      "pe": 8, "simd": 8, "weight_bits": 1, "activation_bits": 1, "threshold_bits": 16, "max_kernel": 1, "max_channels": 1024,
      "max_image_size": 1, "weight_depth": 1024, "threshold_depth": 64, "memory_word_bits": 64,
    ]
    let engineFile = work.appendingPathComponent("engine.json")
    try JSONSerialization.data(withJSONObject: engine).write(to: engineFile)
    let dir = work.appendingPathComponent("build").path
    let r = try FinchCLI.run([
      "build", Fixture(name: "tfc_w1a1").modelPath, "--board", "pynq-z1", "--arch", "offload", "--engine", engineFile.path, "-o", dir,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    return dir
  }

  /// Runs finch expecting `status` and one `error:` line holding `words`.
  func assertError(_ arguments: [String], _ words: [String], status: Int32 = 1, file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try FinchCLI.run(arguments)
    XCTAssertEqual(r.status, status, "\(arguments): \(r.stderr)", file: file, line: line)
    XCTAssertTrue(r.stderr.hasPrefix(status == 1 ? "error: " : "Error: "), r.stderr, file: file, line: line)
    for word in words { XCTAssertTrue(r.stderr.contains(word), "'\(word)' not in: \(r.stderr)", file: file, line: line) }
    XCTAssertEqual(r.stdout, "", file: file, line: line)
  }

  func testOffloadBuildWritesLintCleanRTLAndSimulatesBitExact() throws {
    let dir = try buildTFC()
    let rtl = URL(fileURLWithPath: dir).appendingPathComponent("rtl")
    let verilog = try FileManager.default.contentsOfDirectory(atPath: rtl.path).filter { $0.hasSuffix(".v") }.sorted()
    XCTAssertTrue(verilog.contains("finch_top.v") && verilog.contains("finch_offload_engine.v") && verilog.contains("finch_offload_ram.v"), "\(verilog)")
    XCTAssertFalse(verilog.contains("finch_mvau.v"), "only the engine's modules: \(verilog)")
    let top = try String(contentsOf: rtl.appendingPathComponent("finch_top.v"), encoding: .utf8)
    XCTAssertTrue(top.contains("finch_offload_engine #(.PE(8), .SIMD(8), .W_BITS(1), .A_BITS(1), .T_BITS(16), .MAX_KERNEL(1)"), top)
    // The folder stands alone: Verilator lints it with finch_top as the top.
    let lint = Process()
    lint.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    lint.arguments = ["verilator", "--lint-only", "-Wno-fatal", "--top-module", "finch_top"] + verilog
    lint.currentDirectoryURL = rtl
    let pipe = Pipe()
    (lint.standardOutput, lint.standardError) = (pipe, pipe)
    try lint.run()
    let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    lint.waitUntilExit()
    XCTAssertEqual(lint.terminationStatus, 0, log)

    // Ideal DRAM at the board's bandwidth: bit-exact, the frame within 5% of the cost model, each call within 10%.
    let sim = try FinchCLI.run(["simulate", dir, "--frames", "3", "--json"])
    XCTAssertEqual(sim.status, 0, sim.stderr)
    let report = try sim.jsonObject()
    XCTAssertEqual(report["architecture"] as? String, "offload")
    XCTAssertEqual(report["frames"] as? Int, 3)
    XCTAssertEqual(report["mismatches"] as? Int, 0)
    let calls = try XCTUnwrap(report["calls"] as? [[String: Any]])
    XCTAssertEqual(calls.count, 4, "TFC's four MVAUs, one call each")
    for call in calls {
      let error = try XCTUnwrap(call["error_pct"] as? Double)
      XCTAssertLessThan(abs(error), 10, "\(call)")
    }
    let perFrame = try XCTUnwrap(report["cycles_per_frame"] as? Double)
    let estimated = try XCTUnwrap(report["estimated_cycles_per_frame"] as? Int)
    XCTAssertEqual(perFrame, Double(estimated), accuracy: 0.05 * Double(estimated))
    XCTAssertEqual(try XCTUnwrap(report["fps"] as? Double), 100e6 / perFrame, accuracy: 1)
    XCTAssertEqual((report["dram"] as? [String: Any])?["bandwidth_gbps"] as? Double, 2.1)
    for frame in 1...3 { XCTAssertTrue(sim.stderr.contains("frame \(frame)/3: "), sim.stderr) }

    // A slow DRAM that stalls: still bit-exact, and slower.
    let slow = try FinchCLI.run(["simulate", dir, "--frames", "2", "--dram-latency", "20", "--dram-bandwidth", "0.4", "--dram-stall", "0.2", "--seed", "5"])
    XCTAssertEqual(slow.status, 0, slow.stderr)
    XCTAssertTrue(slow.stdout.contains("2 frames on the offload engine in verilator: 0 mismatches (bit-exact with the interpreter)"), slow.stdout)
    XCTAssertTrue(slow.stdout.contains("DRAM: latency 20, 0.40 GB/s (4.00 bytes/cycle), stall 0.20, seed 5"), slow.stdout)

    // Flags for the other architecture, out of range, and an edited design: clear errors.
    try assertError(["simulate", dir, "--stall", "0.1"], ["--stall stalls a dataflow design's streams; for an offload build give --dram-stall"])
    try assertError(["simulate", dir, "--simulator", "icarus"], ["an offload build simulates in Verilator only"])
    try assertError(["simulate", dir, "--dram-stall", "1.5"], ["--dram-stall must be in [0, 1)"], status: 64)
    try assertError(["simulate", dir, "--dram-bandwidth", "0"], ["--dram-bandwidth must be a positive number"], status: 64)
    let engine = rtl.appendingPathComponent("finch_offload_engine.v")
    try (try String(contentsOf: engine, encoding: .utf8) + "// edited\n").write(to: engine, atomically: true, encoding: .utf8)
    for command in ["simulate", "synth"] {
      try assertError([command, dir], ["finch_offload_engine.v: edited since it was written"])
    }
  }

  /// The residual fixture for --arch offload: its convolutions on the
  /// engine, its sums on the CPU reading two buffers, the skip value in a
  /// third while the long branch runs; bit-exact in Verilator on a stalling
  /// DRAM, the frame within 5% of the cost model.
  func testAResidualNetworkSimulatesBitExactWithItsSumsOnTheCPU() throws {
    let dir = work.appendingPathComponent("resnet").path
    let build = try FinchCLI.run([
      "build", Fixture(name: "resnet_w2a2_small").modelPath, "--board", "pynq-z1", "--fps", "1000", "--arch", "offload", "-o", dir,
    ])
    XCTAssertEqual(build.status, 0, build.stderr)
    let schedule = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/schedule.json"))) as? [String: Any])
    XCTAssertEqual(((schedule["memory"] as? [String: Any])?["activation_buffers"] as? [Any])?.count, 3)
    let steps = try XCTUnwrap(schedule["steps"] as? [[String: Any]])
    let sums = steps.filter { ($0["inputs"] as? [Any])?.count == 2 }
    XCTAssertEqual(sums.compactMap { ($0["layers"] as? [String])?.first }, ["Add_0", "Add_1"])

    let sim = try FinchCLI.run(["simulate", dir, "--frames", "2", "--dram-stall", "0.3", "--json"])
    XCTAssertEqual(sim.status, 0, sim.stderr)
    let report = try sim.jsonObject()
    XCTAssertEqual(report["mismatches"] as? Int, 0)
    XCTAssertTrue((report["cpu_layers"] as? [String])?.contains("Add_0") == true, "\(report["cpu_layers"] ?? "none")")
    let perFrame = try XCTUnwrap(report["cycles_per_frame"] as? Double)
    let estimated = try XCTUnwrap(report["estimated_cycles_per_frame"] as? Int)
    XCTAssertEqual(perFrame, Double(estimated), accuracy: 0.05 * Double(estimated))
  }

  func testOffloadSynthesisReportsEveryUnitBesideTheEstimate() throws {
    let dir = try buildTFC()
    // One synthesis (the slow part): the text report on stdout, the same report as JSON in synth/report.json.
    let synth = try FinchCLI.run(["synth", dir])
    XCTAssertEqual(synth.status, 0, synth.stderr)
    XCTAssertTrue(synth.stderr.contains("synthesizing the offload engine (PE 8, SIMD 8) for xc7z020"), synth.stderr)
    XCTAssertTrue(synth.stdout.hasPrefix("yosys synth_xilinx -family xc7 on xc7z020 in "), synth.stdout)
    for unit in ["compute", "weight_buffer", "control", "total", "estimate error: "] { XCTAssertTrue(synth.stdout.contains(unit), synth.stdout) }
    let s = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/synth/report.json"))) as? [String: Any])
    XCTAssertEqual(s["part"] as? String, "xc7z020")
    let totals = try XCTUnwrap(s["totals"] as? [String: Int])
    XCTAssertGreaterThan(totals["lut"] ?? 0, 300)
    XCTAssertGreaterThan(totals["ff"] ?? 0, 300)
    XCTAssertGreaterThan(totals["bram18"] ?? 0, 0, "the weight buffer in block RAM")
    let rows = try XCTUnwrap(s["layers"] as? [[String: Any]])
    let names = Set(rows.compactMap { $0["name"] as? String })
    for unit in ["compute", "weight_buffer", "threshold_buffer", "window_buffer", "pool", "control"] {
      XCTAssertTrue(names.contains(unit), "\(unit) not in \(names)")
    }
    // Every row is one of EngineResources' units.
    for row in rows { XCTAssertNotNil(row["estimate"], "\(row["name"] ?? "?") has no estimate") }
    // The rows add up to the totals.
    let lut = rows.compactMap { ($0["synthesized"] as? [String: Int])?["lut"] }.reduce(0, +)
    XCTAssertEqual(lut, totals["lut"])
    XCTAssertNotNil((s["error_pct"] as? [String: Double])?["lut"])
  }
}
