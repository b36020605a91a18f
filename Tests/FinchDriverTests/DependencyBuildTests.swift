import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// Finch works as a library: a package that depends on it by version (a
/// `file://` repository tagged 0.1.0) builds its library products, with no
/// unsafe flags in the way, and runs a fixture bit-exactly through
/// ``InferenceSession`` (scripts/test-as-dependency.sh does the building).
final class DependencyBuildTests: XCTestCase {
  func testAPackageDependingOnFinchByVersionRunsTheTFCFixture() throws {
    guard ProcessInfo.processInfo.environment["FINCH_DEPENDENCY_TEST"] == "1" else {
      throw XCTSkip(
        "builds Finch as a versioned package dependency (a debug build of its own: about 80 s on 2 cores): "
          + "set FINCH_DEPENDENCY_TEST=1 (scripts/test.sh does) or run scripts/test-as-dependency.sh")
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [root.appendingPathComponent("scripts/test-as-dependency.sh").path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "scripts/test-as-dependency.sh failed; its build log is above")

    let lines = printed.split(separator: "\n")
    XCTAssertFalse(lines.contains { $0.hasPrefix("warning:") }, "the consumer did not compile the model:\n\(printed)")
    func field(_ name: String) -> [Substring] {
      lines.first { $0.hasPrefix("\(name): ") }.map { $0.dropFirst(name.count + 2).split(separator: " ") } ?? []
    }
    let expected = try NPY.read(path: Fixture(name: "tfc_w1a1").outputPath)
    XCTAssertEqual(field("shape").compactMap { Int($0) }, expected.shape.dims)
    let values = field("output").compactMap { Float($0) }
    XCTAssertEqual(values.count, expected.count, "the consumer printed:\n\(printed)")
    XCTAssertEqual(values, expected.floats, "the consumer's outputs differ from tfc_w1a1.out.npy")
  }
}
