import FinchIR
import FinchONNX
import FinchTestSupport
import Foundation
import XCTest

/// What `inspect --ir` and `compile --print-all --ir` print is Finch's IR, which
/// the parser reads back: print → parse → print is identical on every fixture
/// and after every pass, and the parsed graph is the one printed.
final class IRTextCLITests: XCTestCase {
  func testInspectAndEveryPrintedStageRoundTrip() throws {
    let fixtures = try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.path).filter { $0.hasSuffix(".onnx") }.sorted()
    XCTAssertFalse(fixtures.isEmpty)
    for name in fixtures {
      let path = Fixture.directory.appendingPathComponent(name).path
      let inspect = try FinchCLI.run(["inspect", path, "--ir"])
      XCTAssertEqual(inspect.status, 0, inspect.stderr)
      let imported = try Graph(parsing: inspect.stdout)
      XCTAssertEqual(imported.fullText, inspect.stdout, name)
      XCTAssertEqual(imported, try ONNXImporter.load(path: path), name)

      let out = FileManager.default.temporaryDirectory.appendingPathComponent("finch-ir-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: out) }
      let compile = try FinchCLI.run(["compile", path, "-o", out, "--print-all", "--ir", "--allow-host-ops"])
      XCTAssertEqual(compile.status, 0, compile.stderr)
      let stages = compile.stdout.components(separatedBy: "// after ").dropFirst()
      XCTAssertGreaterThanOrEqual(stages.count, 2, name)
      for stage in stages {
        let pass = String(stage.prefix { $0 != "\n" })
        var body = String(stage.dropFirst(pass.count + 1))
        if body.hasSuffix("\n\n") { body.removeLast() }
        if let report = body.range(of: "\n\ncompiled ") { body = String(body[..<report.lowerBound]) + "\n" }
        let graph = try Graph(parsing: body)
        XCTAssertEqual(graph.fullText, body, "\(name) after \(pass)")
        XCTAssertNoThrow(try graph.verify(), "\(name) after \(pass)")
      }
    }
  }
}
