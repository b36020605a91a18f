import FinchTestSupport
import Foundation
import XCTest

/// `finch synth` and the estimate name every element (layers, FIFOs, width
/// converters) the same way, so their rows join one to one: on TFC-W2A2 (MLP,
/// DSP multipliers) and the CNV (SWUs, max-pools, width converters);
/// TFC-W1A1's elements are a subset of TFC-W2A2's kinds.
final class SynthesisNamesCLITests: XCTestCase {
  func testSynthesisAndEstimateRowsJoinOneToOne() throws {
    for fixture in ["tfc_w2a2", "cnv_w1a1_small"].map(Fixture.init(name:)) {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-names-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: dir) }
      let build = try FinchCLI.run(["build", fixture.modelPath, "--board", "pynq-z1", "--fps", "1000", "-o", dir])
      XCTAssertEqual(build.status, 0, build.stderr)
      let synth = try FinchCLI.run(["synth", dir, "--json"])
      XCTAssertEqual(synth.status, 0, synth.stderr)
      let rows = try XCTUnwrap(try synth.jsonObject()["layers"] as? [[String: Any]])
      let estimate = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/estimates.json"))) as? [String: Any])
      let estimated = try XCTUnwrap(estimate["layers"] as? [[String: Any]]).compactMap { $0["name"] as? String }
      let synthesized = rows.compactMap { $0["name"] as? String }
      XCTAssertEqual(synthesized.count, Set(synthesized).count, "\(fixture.name): one row per element")
      XCTAssertEqual(Set(synthesized), Set(estimated), "\(fixture.name): unmatched rows")
      XCTAssertEqual(synthesized.count, estimated.count, fixture.name)
      XCTAssertTrue(rows.allSatisfy { $0["estimate"] != nil }, "\(fixture.name): a synthesized row without an estimate")
    }
  }
}
