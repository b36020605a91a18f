import FinchTestSupport
import Foundation
import XCTest

/// `finch devices` and `finch roofline` as a user runs them.
final class DevicesCLITests: XCTestCase {
  let boards = [
    "pynq-z1", "pynq-z2", "ultra96", "zcu102", "zcu104", "zu19eg", "aws-f1", "alveo-u250", "ice40-up5k", "ice40-hx8k",
  ]

  func testDevicesPrintsEveryBoardAndPart() throws {
    let r = try FinchCLI.run(["devices"])
    XCTAssertEqual(r.status, 0, r.stderr)
    for name in boards + ["xc7z020", "xczu19eg", "xcvu9p", "ice40up5k"] { XCTAssertTrue(r.stdout.contains(name), name) }
    let pynq = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("pynq-z1 ") })
    XCTAssertEqual(
      pynq.split(separator: " ").map(String.init),
      ["pynq-z1", "xc7z020", "xc7", "53200", "106400", "220", "280", "0", "0", "0", "100", "2.1"])
  }

  func testDevicesJSONIsOneObject() throws {
    let r = try FinchCLI.run(["devices", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let boardList = try XCTUnwrap(object["boards"] as? [[String: Any]])
    XCTAssertEqual(Set(boardList.compactMap { $0["name"] as? String }), Set(boards))
    let parts = try XCTUnwrap(object["parts"] as? [[String: Any]])
    let z020 = try XCTUnwrap(parts.first { ($0["name"] as? String) == "xc7z020" })
    XCTAssertEqual(z020["luts"] as? Int, 53_200)
    XCTAssertEqual(z020["bram18"] as? Int, 280)
  }

  func testRooflineWritesSVGAndPrintsJSON() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-roofline-\(UUID())")
    defer { try? FileManager.default.removeItem(at: dir) }
    let svg = dir.appendingPathComponent("tmp.svg").path
    let model = Fixture(name: "tfc_w1a1").modelPath
    let text = try FinchCLI.run(["roofline", "--board", "pynq-z1", model, "-o", svg])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("10.6 Top/s"), text.stdout)
    XCTAssertTrue(text.stdout.contains("tfc_w1a1"), text.stdout)
    let chart = try String(contentsOfFile: svg, encoding: .utf8)
    XCTAssertTrue(chart.hasPrefix("<svg"), chart)
    XCTAssertTrue(chart.contains("class=\"marker\""), chart)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["tmp.svg"], "temporary file left behind")

    let json = try FinchCLI.run(["roofline", "--board", "PYNQ-Z1", model, "--json", "--clock", "200"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(object["clock_mhz"] as? Double, 200)
    XCTAssertEqual((object["roofs"] as? [Any])?.count, 6)
    let networks = try XCTUnwrap(object["networks"] as? [[String: Any]])
    XCTAssertEqual(networks.count, 1)
  }

  func testRooflineErrors() throws {
    let unknown = try FinchCLI.run(["roofline", "--board", "pynq-z9"])
    XCTAssertEqual(unknown.status, 1)
    XCTAssertTrue(unknown.stderr.hasPrefix("error: "), unknown.stderr)
    XCTAssertTrue(unknown.stderr.contains("pynq-z1") && unknown.stderr.contains("alveo-u250"), unknown.stderr)
    let missing = try FinchCLI.run(["roofline", "--board", "pynq-z1", "/nonexistent/model.onnx"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains("/nonexistent/model.onnx"), missing.stderr)
    let badClock = try FinchCLI.run(["roofline", "--board", "pynq-z1", "--clock", "-5"])
    XCTAssertEqual(badClock.status, 64, badClock.stderr)
  }
}
