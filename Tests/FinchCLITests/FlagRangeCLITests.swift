import FinchTestSupport
import Foundation
import XCTest

/// Numeric flags are checked for their real range: a value outside it is a
/// usage error (exit 64) naming the flag, never a trap, a hang or a runaway
/// allocation.
final class FlagRangeCLITests: XCTestCase {
  let tfc = Fixture(name: "tfc_w1a1")

  func testOutOfRangeNumbersAreUsageErrors() throws {
    let m = tfc.modelPath, i = tfc.inputPath
    let cases: [([String], String)] = [
      (["estimate", m, "--board", "pynq-z1", "--fps", "1e-300"], "--fps"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "nan"], "--fps"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "inf"], "--fps"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "1e300"], "--fps"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "1e16"], "--fps"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "100", "--clock", "1e13"], "--clock"),
      (["estimate", m, "--board", "pynq-z1", "--fps", "100", "--clock", "-5"], "--clock"),
      (["estimate", m, "--board", "pynq-z1", "--budget", "nan"], "--budget"),
      (["build", m, "--board", "pynq-z1", "--fps", "1e-300", "-o", "/tmp/never-written"], "--fps"),
      (["roofline", "--board", "pynq-z1", "--clock", "1e19"], "--clock"),
      (["roofline", "--board", "pynq-z1", "--clock", "0"], "--clock"),
      (["run", m, "-i", i, "--threads", "9223372036854775807"], "--threads"),
      (["run", m, "-i", i, "--threads", "-1"], "--threads"),
      (["bench", m, "--threads", "100000"], "--threads"),
      (["bench", m, "--seconds", "nan"], "--seconds"),
      (["bench", m, "--seconds", "1e300"], "--seconds"),
      (["bench", m, "--batch", "99999999999"], "--batch"),
      (["simulate", "/tmp/nowhere", "--frames", "0"], "--frames"),
      (["simulate", "/tmp/nowhere", "--frames", "9223372036854775807"], "--frames"),
      (["simulate", "/tmp/nowhere", "--stall", "nan"], "--stall"),
      (["characterize", "sweep", "--limit", "mvau=0", "-o", "/tmp/never-written"], "--limit"),
      (["characterize", "sweep", "--limit", "lstm=4", "-o", "/tmp/never-written"], "--limit"),
      (["characterize", "sweep", "--limit", "4=mvau", "-o", "/tmp/never-written"], "--limit"),
    ]
    for (arguments, flag) in cases {
      let r = try FinchCLI.run(arguments)
      XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(flag), "\(arguments): \(r.stderr)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never-written"))
  }

  func testExtremesInsideTheRangesWork() throws {
    let slow = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--fps", "0.001", "--clock", "2000", "--json"])
    XCTAssertEqual(slow.status, 0, slow.stderr)
    let fast = try FinchCLI.run(["estimate", tfc.modelPath, "--board", "pynq-z1", "--fps", "1e9", "--clock", "1", "--json"])
    XCTAssertEqual(fast.status, 0, fast.stderr)
    let roof = try FinchCLI.run(["roofline", "--board", "pynq-z1", "--clock", "2000"])
    XCTAssertEqual(roof.status, 0, roof.stderr)
  }
}
