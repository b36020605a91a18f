import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// `finch run --backend hetero`: a Darknet detector with Tinier-YOLO's layer
/// kinds (tinier_small) run as on an ultra96 with an offload engine gives the
/// CPU backend's outputs bit for bit, whatever the placement, and splits each
/// frame's time per step.
final class HeterogeneousRunTests: XCTestCase {
  var work: URL!
  let cfg = Fixture.path("darknet/tinier_small.cfg")

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-hetero-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  func input() throws -> String {
    var rng = SplitMix64(seed: 9)
    let path = work.appendingPathComponent("frames.npy").path
    try NPY.write(Tensor(shape: [2, 3, 64, 64], floats: (0..<(2 * 3 * 64 * 64)).map { _ in Float(rng.next() % 256) }), path: path)
    return path
  }

  func testHeteroRunMatchesTheCPUBackendAndSplitsTheTime() throws {
    let x = try input()
    let cpuOut = work.appendingPathComponent("cpu.npy").path
    let cpu = try FinchCLI.run(["run", cfg, "-i", x, "-o", cpuOut])
    XCTAssertEqual(cpu.status, 0, cpu.stderr)
    for placement in [[], ["--placement", "conv_12=cpu", "--placement", "conv_1=accelerator"]] {
      let out = work.appendingPathComponent("hetero\(placement.count).npy").path
      let run = try FinchCLI.run(["run", cfg, "-i", x, "-o", out, "--backend", "hetero", "--board", "ultra96", "--json"] + placement)
      XCTAssertEqual(run.status, 0, run.stderr)
      XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: cpuOut)), "\(placement)")
      let split = try XCTUnwrap(try run.jsonObject()["time_split"] as? [String: Any])
      let steps = try XCTUnwrap(split["steps"] as? [[String: Any]])
      func placeOf(_ layer: String) -> String? { steps.first { ($0["layers"] as? [String])?.contains(layer) == true }?["placement"] as? String }
      XCTAssertEqual(placeOf("maxpool_10"), "cpu")
      XCTAssertEqual(placeOf("conv_1"), "accelerator")
      XCTAssertEqual(placeOf("conv_12"), placement.isEmpty ? "accelerator" : "cpu")
      XCTAssertEqual(placeOf("prologue"), "host")
      let ms = steps.compactMap { $0["milliseconds"] as? Double }
      XCTAssertEqual(ms.count, steps.count)
      XCTAssertTrue(ms.allSatisfy { $0 >= 0 })
      let engine = try XCTUnwrap(split["accelerator_ms"] as? Double), cpuMs = try XCTUnwrap(split["cpu_ms"] as? Double)
      XCTAssertGreaterThan(engine, 0)
      XCTAssertGreaterThan(cpuMs, 0)
      XCTAssertEqual(try XCTUnwrap(split["sequential_fps"] as? Double), 1000 / (engine + cpuMs + (split["host_ms"] as? Double ?? 0)), accuracy: 1e-6)
    }
    // Without --json, the table and the frame line.
    let text = try FinchCLI.run(["run", cfg, "-i", x, "-o", work.appendingPathComponent("t.npy").path, "--backend", "hetero", "--board", "ultra96"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("cost model at 300 MHz") && text.stdout.contains("frames/s one step after another"), text.stdout)
  }

  func testPlacementMistakesExitOneNamingTheLayer() throws {
    let x = try input()
    for (extra, needle, status) in [
      (["--placement", "conv_12=fast"], "expected LAYER=auto, LAYER=cpu or LAYER=accelerator", Int32(1)),
      (["--placement", "conv_99=cpu"], "placement names 'conv_99', which is not a hardware layer", 1),
      (["--placement", "maxpool_10=accelerator"], "'maxpool_10' (StreamingMaxPool): the engine's pool has no padding", 1),
    ] {
      let run = try FinchCLI.run(["run", cfg, "-i", x, "--backend", "hetero", "--board", "ultra96"] + extra)
      XCTAssertEqual(run.status, status, "\(extra): \(run.stderr)")
      XCTAssertTrue(run.stderr.contains(needle), "\(extra): \(run.stderr)")
    }
    let noBoard = try FinchCLI.run(["run", cfg, "-i", x, "--backend", "hetero"])
    XCTAssertNotEqual(noBoard.status, 0)
    XCTAssertTrue(noBoard.stderr.contains("give --board"), noBoard.stderr)
    let stray = try FinchCLI.run(["run", cfg, "-i", x, "--placement", "conv_1=cpu"])
    XCTAssertNotEqual(stray.status, 0)
    XCTAssertTrue(stray.stderr.contains("belong to --backend hetero"), stray.stderr)
  }
}
