import FinchCost
import FinchIR
import FinchONNX
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

/// `finch estimate --arch` and `finch build --arch` as a user runs them:
/// auto chooses offload where no dataflow design fits and dataflow where one
/// fits, saying why; an offload build writes the schedule, image, engine and
/// estimate, which read back as computed here; bad engines are clear errors.
final class ArchitectureCLITests: XCTestCase {
  var work: URL!

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-arch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  /// BNN-PYNQ's full-size CNV-W1A1 (64-64-128-128-256-256 conv, 512-512 FC) as a model file.
  func fullSizeCNV() throws -> String {
    let path = work.appendingPathComponent("cnv_full.onnx").path
    try ONNXExporter.save(try BNNPynqCNV.make(), path: path)
    return path
  }

  /// Runs finch with `--json`, expecting exit status 0, and returns the object and its `arch`.
  func arch(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let r = try FinchCLI.run(arguments + ["--json"])
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    return try XCTUnwrap(try r.jsonObject(file: file, line: line)["arch"] as? [String: Any], r.stdout, file: file, line: line)
  }

  /// Runs finch expecting exit status 1 and one `error:` line holding every one of `words`.
  func assertError(_ arguments: [String], _ words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try FinchCLI.run(arguments)
    XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
    XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr, file: file, line: line)
    for word in words { XCTAssertTrue(r.stderr.contains(word), "'\(word)' not in: \(r.stderr)", file: file, line: line) }
    XCTAssertEqual(r.stdout, "", file: file, line: line)
  }

  /// The full-size CNV within 30% of xc7z020: no dataflow folding fits (the
  /// weights alone need 89 BRAM18), the offload engine does, so auto picks
  /// offload; within 50% a dataflow folding fits and auto picks dataflow.
  func testAutoPicksOffloadWhereNoDataflowFoldingFitsAndDataflowWhereOneDoes() throws {
    let cnv = try fullSizeCNV()
    let small = try arch(["estimate", cnv, "--board", "pynq-z1", "--budget", "0.3", "--arch", "auto"])
    XCTAssertEqual(small["requested"] as? String, "auto")
    XCTAssertEqual(small["chosen"] as? String, "offload")
    let reason = try XCTUnwrap(small["reason"] as? String)
    XCTAssertTrue(reason.hasPrefix("dataflow: even the smallest folding needs"), reason)
    XCTAssertTrue(reason.contains("BRAM18: more than 30% of xc7z020; offload fits ("), reason)
    print("full-size CNV-W1A1 on pynq-z1, --budget 0.3 --arch auto: \(reason)")
    XCTAssertNil(small["dataflow"], "no dataflow folding fits 30%")
    let offload = try XCTUnwrap(small["offload"] as? [String: Any])
    XCTAssertEqual(offload["fits"] as? Bool, true)
    XCTAssertEqual(offload["target_met"] as? Bool, true)
    let totals = try XCTUnwrap(offload["totals"] as? [String: Int]), capacity = try XCTUnwrap(offload["capacity"] as? [String: Int])
    for kind in ["lut", "ff", "dsp", "bram18"] { XCTAssertLessThanOrEqual(Double(totals[kind] ?? .max), 0.3 * Double(capacity[kind] ?? 0), kind) }
    XCTAssertGreaterThan(offload["fps"] as? Double ?? 0, 0)
    // The 8-bit first layer is left to the CPU so that 1-bit lanes fit (Docs/offload.md §8).
    XCTAssertEqual((offload["cpu_layers"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["input_quant", "conv0_swu", "conv0"])

    let text = try FinchCLI.run(["estimate", cnv, "--board", "pynq-z1", "--budget", "0.3", "--arch", "auto"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.hasPrefix("offload:\noffload engine on pynq-z1 (xc7z020), sized by EngineSizeSolver for 30% of xc7z020:"), text.stdout)
    XCTAssertTrue(text.stdout.contains("\non the CPU:\n  input_quant (Thresholding): "), text.stdout)
    XCTAssertTrue(text.stdout.hasSuffix("architecture: offload (\(reason))\n"), text.stdout)

    let half = try arch(["estimate", cnv, "--board", "pynq-z1", "--budget", "0.5", "--arch", "auto"])
    XCTAssertEqual(half["chosen"] as? String, "dataflow")
    let why = try XCTUnwrap(half["reason"] as? String)
    XCTAssertTrue(why.hasPrefix("dataflow fits xc7z020 ("), why)
    XCTAssertTrue(why.contains("of 280 BRAM18) at ") && why.hasSuffix(" frames/s"), why)
    let dataflow = try XCTUnwrap(half["dataflow"] as? [String: Any])
    XCTAssertEqual(dataflow["target_met"] as? Bool, true)
    XCTAssertNotNil(half["offload"], "auto shows both estimates")
  }

  /// With a frames/s target: dataflow when it meets it; when the design for
  /// the target does not fit, the fastest folding that fits, if faster than offload.
  func testAutoWithAFrameRateTarget() throws {
    let tfc = Fixture(name: "tfc_w1a1").modelPath
    let met = try arch(["estimate", tfc, "--board", "pynq-z1", "--fps", "1000", "--arch", "auto"])
    XCTAssertEqual(met["chosen"] as? String, "dataflow")
    let reason = try XCTUnwrap(met["reason"] as? String)
    XCTAssertTrue(reason.hasPrefix("dataflow fits xc7z020 (") && reason.contains("and meets the target: "), reason)
    XCTAssertTrue(reason.hasSuffix("of the 1,000.0 asked for"), reason)
    XCTAssertNotNil(met["dataflow"])
    XCTAssertNotNil(met["offload"])

    let cnv = try fullSizeCNV()
    let fast = try arch(["estimate", cnv, "--board", "pynq-z1", "--fps", "20000", "--arch", "auto"])
    XCTAssertEqual(fast["chosen"] as? String, "dataflow")
    let why = try XCTUnwrap(fast["reason"] as? String)
    XCTAssertTrue(why.contains("but reaches only 12,244.4 frames/s of the 20,000.0 asked for; offload is slower ("), why)
    let offloadFPS = try XCTUnwrap((fast["offload"] as? [String: Any])?["fps"] as? Double)
    XCTAssertLessThan(offloadFPS, 12_244.4)
  }

  /// An offload build writes engine.json, schedule.json, memory.bin,
  /// offload_estimate.json and the engine's rtl/ beside the compiled model;
  /// each reads back equal to what the libraries compute from the compiled
  /// graph and the engine; `--engine` takes the written engine back
  /// (OffloadHardwareCLITests simulates and synthesizes one).
  func testOffloadBuildWritesTheScheduleAndItReadsBack() throws {
    let fixture = Fixture(name: "cnv_w1a1_small")
    let dir = work.appendingPathComponent("offload").path
    let r = try FinchCLI.run(["build", fixture.modelPath, "--board", "pynq-z1", "--arch", "offload", "-o", dir, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let result = try r.jsonObject()
    XCTAssertEqual(result["folder"] as? String, dir)
    XCTAssertNil(result["estimate"], "no dataflow estimate in an offload build")
    XCTAssertEqual((result["arch"] as? [String: Any])?["chosen"] as? String, "offload")
    XCTAssertTrue(r.stderr.contains("[2/3] sizing an offload engine for 17 layers on pynq-z1"), r.stderr)
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    XCTAssertEqual(
      files,
      ["finch-output.json", "architecture.json", "compiled.onnx", "streamlined.onnx", "summary.json", "stages", "inputs.npy", "labels.npy",
       "engine.json", "schedule.json", "memory.bin", "offload_estimate.json", "rtl", "sim", "report.html"])
    func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(name)) }

    let engine = try JSONDecoder().decode(EngineConfiguration.self, from: read("engine.json"))
    let graph = try ONNXImporter.load(path: dir + "/compiled.onnx")
    let expected = try ScheduleCompiler(engine: engine).schedule(graph)
    let schedule = try Schedule.load(json: read("schedule.json"))
    XCTAssertEqual(schedule, expected)
    XCTAssertEqual([UInt8](try read("memory.bin")), try MemoryImage(schedule: expected, layers: try HardwareLayer.layers(of: graph)).bytes)
    let board = try DeviceCatalogue.bundled().board(named: "pynq-z1")
    let estimate = try JSONDecoder().decode(OffloadDesign.Report.self, from: read("offload_estimate.json"))
    XCTAssertEqual(estimate.estimate, try OffloadEstimate(expected, board: board))
    XCTAssertEqual(estimate.engine, engine)
    XCTAssertEqual(estimate.cpuLayers, expected.cpuLayers)
    let architecture = try XCTUnwrap(try JSONSerialization.jsonObject(with: read("architecture.json")) as? [String: Any])
    XCTAssertEqual(architecture["chosen"] as? String, "offload")
    XCTAssertEqual(architecture["reason"] as? String, "requested")

    // The written engine, given back, gives the same estimate.
    let again = try arch(["estimate", fixture.modelPath, "--board", "pynq-z1", "--arch", "offload", "--engine", dir + "/engine.json"])
    let offload = try XCTUnwrap(again["offload"] as? [String: Any])
    XCTAssertEqual(offload["cycles"] as? Int, estimate.estimate.cycles)
    XCTAssertEqual(offload["engine_source"] as? String, "from \(dir)/engine.json")

    // A dataflow build replaces it (Finch wrote it), and says so.
    let dataflow = try FinchCLI.run(["build", fixture.modelPath, "--board", "pynq-z1", "--fps", "1000", "--arch", "auto", "-o", dir])
    XCTAssertEqual(dataflow.status, 0, dataflow.stderr)
    XCTAssertTrue(dataflow.stdout.contains("\narchitecture: dataflow (dataflow fits xc7z020"), dataflow.stdout)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/rtl/manifest.json"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/schedule.json"))
  }

  /// A bad `--engine` file, an engine that runs no layer, offload on a bare
  /// part: one error line naming the file, key and value, exit 1, nothing
  /// written. Flags that make no sense together: exit 64.
  func testBadEnginesAndFlagsAreClearErrors() throws {
    let tfc = Fixture(name: "tfc_w1a1").modelPath
    let good: [String: Any] = [
      "pe": 8, "simd": 8, "weight_bits": 1, "activation_bits": 1, "threshold_bits": 16, "max_kernel": 1, "max_channels": 1024,
      "max_image_size": 1, "weight_depth": 1024, "threshold_depth": 64, "memory_word_bits": 64,
    ]
    func engine(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
      var json = good
      change(&json)
      let path = work.appendingPathComponent(name).path
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
      return path
    }
    let out = work.appendingPathComponent("out").path
    let cases: [(String, [String])] = [
      (try engine("zero.json") { $0["pe"] = 0 }, ["'pe' = 0: must be 1...1024"]),
      (try engine("word.json") { $0["memory_word_bits"] = 48 }, ["'memory_word_bits' = 48: must be 32, 64, 128, 256 or 512"]),
      (try engine("channels.json") { $0["max_channels"] = 100 }, ["'max_channels' = 100: must be a multiple of SIMD 8"]),
      (try engine("string.json") { $0["simd"] = "eight" }, ["'simd' must be an integer, not eight"]),
      (try engine("fraction.json") { $0["weight_depth"] = 2.5 }, ["'weight_depth' must be an integer, not 2.5"]),
      (try engine("bool.json") { $0["max_kernel"] = true }, ["'max_kernel' must be an integer, not a boolean"]),
      (try engine("unknown.json") { $0["lanes"] = 4 }, ["unknown key 'lanes'; an engine has pe, simd,"]),
      (try engine("missing.json") { $0["threshold_bits"] = nil }, ["missing 'threshold_bits'"]),
      (work.appendingPathComponent("absent.json").path, ["cannot read the file"]),
    ]
    let notJSON = work.appendingPathComponent("text.json")
    try Data("pe = 8".utf8).write(to: notJSON)
    for (path, words) in cases + [(notJSON.path, ["not a JSON object"])] {
      for command in [["estimate", tfc], ["build", tfc, "-o", out]] {
        try assertError(command + ["--board", "pynq-z1", "--arch", "offload", "--engine", path], ["engine file \(path): "] + words)
      }
      XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
    // A valid engine whose window buffer holds 8 elements: every TFC layer goes to the CPU (a fan-in of 64 or more, or thresholding alone).
    let tiny = try engine("tiny.json") { $0["max_channels"] = 8 }
    for request in ["offload", "auto"] {
      try assertError(
        ["estimate", tfc, "--board", "pynq-z1", "--fps", "100", "--arch", request, "--engine", tiny],
        ["the offload engine (from \(tiny)) runs none of the network's", "hardware layers: 'BipolarQuant_4' (Thresholding): ", "fan-in"])
    }
    try assertError(
      ["estimate", tfc, "--board", "xc7z020", "--arch", "offload"],
      ["offload needs a board's memory bandwidth; 'xc7z020' is a part: name its board (pynq-z1, pynq-z2)"])
    for flags in [
      ["--fps", "100", "--engine", tiny], ["--arch", "offload", "--folding", tiny], ["--arch", "offload", "--write-folding", out],
      ["--arch", "dataflow-ish", "--fps", "100"], ["--arch", "auto"],
    ] {
      let r = try FinchCLI.run(["estimate", tfc, "--board", "pynq-z1"] + flags)
      XCTAssertEqual(r.status, 64, "\(flags): \(r.stderr)")
    }
  }

  /// `--json` of `--arch offload`: `{arch: {requested, chosen, reason, offload}}`
  /// with the offload design's keys; the default stays the dataflow estimate.
  func testJSONContract() throws {
    let tfc = Fixture(name: "tfc_w2a2").modelPath
    let r = try FinchCLI.run(["estimate", tfc, "--board", "ultra96", "--arch", "offload", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let object = try r.jsonObject()
    XCTAssertEqual(Set(object.keys), ["arch", "schema_version"])
    let arch = try XCTUnwrap(object["arch"] as? [String: Any])
    XCTAssertEqual(Set(arch.keys), ["requested", "chosen", "reason", "offload"])
    XCTAssertEqual(arch["requested"] as? String, "offload")
    let offload = try XCTUnwrap(arch["offload"] as? [String: Any])
    XCTAssertEqual(
      Set(offload.keys),
      ["board", "part", "family", "clock_mhz", "bandwidth_gbps", "engine", "engine_source", "units", "totals", "capacity", "fits", "target_met",
       "engine_layers", "cpu_layers", "calls", "cycles", "compute_cycles", "load_cycles", "bytes", "bytes_per_cycle", "fps", "latency_ms",
       "power", "fps_per_watt"])
    XCTAssertEqual(offload["board"] as? String, "ultra96")
    // Power: the part's static figure plus dynamic classes that add up, memory traffic included.
    let power = try XCTUnwrap(offload["power"] as? [String: Any])
    XCTAssertEqual(power["static_watts"] as? Double, 0.3)
    let dynamic = try XCTUnwrap(power["dynamic"] as? [String: Double])
    XCTAssertEqual(Set(dynamic.keys), ["lut", "routing", "ff", "clock", "bram", "dsp", "io"])
    XCTAssertGreaterThan(dynamic["io"] ?? 0, 0)
    XCTAssertEqual(try XCTUnwrap(power["watts"] as? Double), 0.3 + dynamic.values.reduce(0, +), accuracy: 1e-9)
    XCTAssertEqual(
      try XCTUnwrap(offload["fps_per_watt"] as? Double), try XCTUnwrap(offload["fps"] as? Double) / (power["watts"] as? Double ?? 1), accuracy: 1e-6)
    XCTAssertEqual(offload["bandwidth_gbps"] as? Double, 7.5)
    XCTAssertEqual(offload["clock_mhz"] as? Double, 300)
    XCTAssertEqual(
      Set(try XCTUnwrap(offload["engine"] as? [String: Any]).keys),
      ["pe", "simd", "weight_bits", "activation_bits", "threshold_bits", "max_kernel", "max_channels", "max_image_size", "weight_depth",
       "threshold_depth", "memory_word_bits"])
    XCTAssertEqual(
      try XCTUnwrap(offload["units"] as? [[String: Any]]).compactMap { $0["name"] as? String },
      ["compute", "out_stage", "window_buffer", "pool", "weight_buffer", "threshold_buffer", "unpack", "codes", "pack", "div_cf", "div_groups",
       "div_pad", "div_out", "control"])
    for layer in try XCTUnwrap(offload["cpu_layers"] as? [[String: Any]]) { XCTAssertEqual(Set(layer.keys), ["name", "op", "reason"]) }
    let call = try XCTUnwrap((offload["calls"] as? [[String: Any]])?.first)
    XCTAssertEqual(Set(call.keys), ["index", "mvau", "tile", "compute_cycles", "load_cycles", "activation_cycles", "stream_cycles", "cycles"])
    XCTAssertEqual((offload["calls"] as? [[String: Any]])?.compactMap { $0["cycles"] as? Int }.reduce(0, +), offload["cycles"] as? Int)

    let plain = try FinchCLI.run(["estimate", tfc, "--board", "ultra96", "--fps", "1000", "--json"]).jsonObject()
    XCTAssertNil(plain["arch"])
    XCTAssertNotNil(plain["fps"])
    XCTAssertEqual(
      try FinchCLI.run(["estimate", tfc, "--board", "ultra96", "--fps", "1000", "--arch", "dataflow", "--json"]).stdout,
      try FinchCLI.run(["estimate", tfc, "--board", "ultra96", "--fps", "1000", "--json"]).stdout)
  }
}
