import FinchCost
import FinchTestSupport
import Foundation
import XCTest

/// `finch explore` as a user runs it: two TFC precisions (W1A1, W2A2, one
/// task) with their test set on two boards at five targets, on both
/// architectures. Every point carries the keys the JSON contract names;
/// each front is exactly the non-dominated points that fit (checked here
/// against the definition, not against the code's own sweep); -o writes the
/// same JSON and a CSV with a column per front; bad lists are refused.
final class ExploreCLITests: XCTestCase {
  func testPointsAndFrontsOverPrecisionsBoardsAndTargets() throws {
    let (w1, w2) = (Fixture(name: "tfc_w1a1"), Fixture(name: "tfc_w2a2"))
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-explore-\(UUID())")
    defer { try? FileManager.default.removeItem(at: work) }
    let arguments = [
      "explore", w1.modelPath, w2.modelPath, "--test-input", w1.inputPath, "--test-labels", w1.labelsPath, "--board", "pynq-z1",
      "--board", "ultra96", "--fps", "1000..100000:5", "--arch", "dataflow,offload",
    ]
    let r = try FinchCLI.run(arguments + ["--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("[40/40] "), r.stderr)
    let object = try r.jsonObject()
    let points = try XCTUnwrap(object["points"] as? [[String: Any]])
    XCTAssertEqual(points.count, 40, "2 models × 2 boards × 5 targets × 2 architectures")
    for key in ["model", "device", "arch", "clock_mhz", "target_fps", "accuracy", "fps", "latency_us", "lut", "ff", "bram18", "dsp", "watts", "fits"] {
      XCTAssertTrue(points.allSatisfy { $0[key] != nil }, "a point lacks \(key)")
    }
    XCTAssertEqual(Set(points.compactMap { $0["arch"] as? String }), ["dataflow", "offload"])
    // Accuracy is the model's, the same on every point of it, and the two precisions differ.
    let accuracy = Dictionary(grouping: points, by: { $0["model"] as? String ?? "" }).mapValues { Set($0.compactMap { $0["accuracy"] as? Double }) }
    XCTAssertEqual(accuracy.values.map(\.count), [1, 1])
    XCTAssertNotEqual(accuracy[w1.modelPath], accuracy[w2.modelPath])

    let fronts = try XCTUnwrap(object["fronts"] as? [String: [Int]])
    XCTAssertEqual(Set(fronts.keys), ["accuracy_vs_lut", "fps_vs_lut", "fps_per_watt_vs_accuracy"])
    let pairs: [String: (String, Bool, String, Bool)] = [
      "accuracy_vs_lut": ("accuracy", true, "lut", false), "fps_vs_lut": ("fps", true, "lut", false),
      "fps_per_watt_vs_accuracy": ("fps_per_watt", true, "accuracy", true),
    ]
    for (name, front) in fronts {
      let (a, maxA, b, maxB) = try XCTUnwrap(pairs[name])
      func values(_ p: [String: Any]) -> (Double, Double)? {
        guard p["fits"] as? Bool == true, let x = (p[a] as? NSNumber)?.doubleValue, let y = (p[b] as? NSNumber)?.doubleValue else { return nil }
        return (maxA ? x : -x, maxB ? y : -y)
      }
      func dominated(_ v: (Double, Double)) -> Bool {
        points.compactMap(values).contains { $0.0 >= v.0 && $0.1 >= v.1 && ($0.0 > v.0 || $0.1 > v.1) }
      }
      XCTAssertFalse(front.isEmpty, name)
      for (i, p) in points.enumerated() {
        guard let v = values(p) else {
          XCTAssertFalse(front.contains(i), "\(name): point \(i) does not fit")
          continue
        }
        XCTAssertEqual(front.contains(i), !dominated(v), "\(name): point \(i)")
      }
    }

    // -o: the same JSON in explore.json, the points in explore.csv with a column per front.
    let out = work.appendingPathComponent("dse").path
    let written = try FinchCLI.run(arguments + ["-o", out])
    XCTAssertEqual(written.status, 0, written.stderr)
    XCTAssertTrue(written.stdout.contains("a: Pareto front accuracy_vs_lut"), written.stdout)
    let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/explore.json"))) as? [String: Any])
    XCTAssertEqual(file["fronts"] as? [String: [Int]], fronts)
    let csv = try String(contentsOfFile: out + "/explore.csv", encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(csv.count, 41)
    XCTAssertTrue(csv[0].hasSuffix("front_accuracy_vs_lut,front_fps_per_watt_vs_accuracy,front_fps_vs_lut"), String(csv[0]))
    XCTAssertEqual(csv.dropFirst().filter { $0.hasSuffix(",1,0,0") || $0.hasSuffix(",1,1,0") || $0.hasSuffix(",1,0,1") || $0.hasSuffix(",1,1,1") }.count,
      fronts["accuracy_vs_lut"]?.count)
  }

  /// --synth on a small sweep: each point that fits synthesized once (two
  /// targets whose foldings differ: two designs), the synthesized totals
  /// beside the estimate in the JSON and the CSV; a second run finds every
  /// design in the cache and synthesizes nothing, with the same figures.
  func testSynthesisBesideTheEstimateAndCachedByDesign() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-explore-synth-\(UUID())")
    defer { try? FileManager.default.removeItem(at: work) }
    let arguments = [
      "explore", tfc.modelPath, "--board", "pynq-z1", "--fps", "10000,100000", "--synth", "--synth-cache", work.appendingPathComponent("cache").path,
      "--json",
    ]
    let first = try FinchCLI.run(arguments)
    XCTAssertEqual(first.status, 0, first.stderr)
    XCTAssertTrue(first.stderr.contains("synthesis: 2 distinct designs, 0 cached"), first.stderr)
    let points = try XCTUnwrap(try first.jsonObject()["points"] as? [[String: Any]])
    XCTAssertEqual(points.count, 2)
    for p in points {
      let synthesized = try XCTUnwrap(p["synthesized"] as? [String: Int], "\(p)")
      let (estimate, yosys) = (try XCTUnwrap(p["lut"] as? Int), try XCTUnwrap(synthesized["lut"]))
      print("explore --synth: estimate \(estimate) LUT, Yosys \(yosys)")
      XCTAssertEqual(Double(estimate), Double(yosys), accuracy: 0.25 * Double(yosys), "LUT estimate against Yosys")
      XCTAssertEqual(synthesized["bram18"], p["bram18"] as? Int, "block RAM exact")
      XCTAssertEqual(synthesized["dsp"], p["dsp"] as? Int, "DSP exact")
    }
    let again = try FinchCLI.run(arguments)
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stderr.contains("synthesis: 2 distinct designs, 2 cached"), again.stderr)
    let cached = try XCTUnwrap(try again.jsonObject()["points"] as? [[String: Any]])
    XCTAssertEqual(cached.compactMap { $0["synthesized"] as? [String: Int] }, points.compactMap { $0["synthesized"] as? [String: Int] })
  }

  /// Bad lists and files: a usage error (64) naming the flag, or an error line (1) naming the file or board.
  func testBadListsAreRefusedByName() throws {
    let tfc = Fixture(name: "tfc_w1a1")
    let cases: [([String], Int32, String)] = [
      (["--board", "pynq-z1", "--fps", "0"], 64, "--fps '0' must be a number in"),
      (["--board", "pynq-z1", "--fps", "5000..1000:3"], 64, "A must be below B"),
      (["--board", "pynq-z1", "--fps", "1000..5000"], 64, "must be A..B:N"),
      (["--board", "pynq-z1", "--fps", "1000", "--front", "lut:lut"], 64, "--front 'lut:lut' must be FIRST:SECOND"),
      (["--board", "pynq-z1", "--fps", "1000", "--front", "accuracy:lut"], 64, "needs accuracy: give --test-input"),
      (["--board", "pynq-z1", "--fps", "1000", "--arch", "gpu"], 64, "--arch 'gpu' must be"),
      (["--fps", "1000"], 64, "give --board"),
      (["--board", "no-such-board", "--fps", "1000"], 1, "no-such-board"),
      (["--board", "pynq-z1", "--fps", "1000", "--test-input", tfc.inputPath, "--test-labels", tfc.inputPath], 1, "has 78400 labels for 100 test samples"),
    ]
    for (flags, status, words) in cases {
      let r = try FinchCLI.run(["explore", tfc.modelPath] + flags)
      XCTAssertEqual(r.status, status, "\(flags): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(words), "\(flags): \(r.stderr)")
      XCTAssertEqual(r.stdout, "", "\(flags)")
    }
  }
}
