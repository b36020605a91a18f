import FinchIR
import FinchONNX
import FinchPasses
import FinchTestSupport
import XCTest

/// The printed IR reads back into the identical graph: every fixture model
/// (cleaned and raw) and the graph after every pass of the compile pipeline,
/// the stages `finch compile --print-all` prints.
final class PrintedIRRoundTripTests: XCTestCase {
  private func assertRoundTrips(_ g: Graph, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    let full = g.fullText
    let parsed: Graph
    do { parsed = try Graph(parsing: full) } catch {
      return XCTFail("\(label): \(error)", file: file, line: line)
    }
    XCTAssertEqual(parsed.fullText, full, "\(label): print, parse, print differs", file: file, line: line)
    XCTAssertEqual(parsed.text, g.text, "\(label): the readable text differs", file: file, line: line)
    XCTAssertTrue(parsed == g, "\(label): the parsed graph differs from the printed one", file: file, line: line)
    XCTAssertNoThrow(try parsed.verify(), label, file: file, line: line)
  }

  /// Every `.onnx` file in Tests/Fixtures.
  private func fixtureModels() throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.path).filter { $0.hasSuffix(".onnx") }.sorted()
    XCTAssertGreaterThanOrEqual(names.count, 6)
    return names
  }

  func testEveryFixtureAndEveryCompileStageRoundTrips() throws {
    var stages = 0
    for name in try fixtureModels() {
      var graph = try ONNXImporter.load(path: Fixture.path(name))
      assertRoundTrips(graph, "\(name) import")
      stages += 1
      try Pipeline.compile.run(on: &graph) { pass, after in
        assertRoundTrips(after, "\(name) after \(pass)")
        stages += 1
      }
    }
    XCTAssertGreaterThan(stages, 12)
  }

  func testStandardExportsRoundTrip() throws {
    var float = try Fixture(name: "tfc_w1a1").model()
    try Pipeline.floatONNX.run(on: &float)
    assertRoundTrips(float, "tfc_w1a1 float")
    var qdq = try Fixture(name: "tfc_w2a2").model()
    try Pipeline.qdq.run(on: &qdq)
    assertRoundTrips(qdq, "tfc_w2a2 qdq")
  }

  func testRandomNetworksRoundTrip() throws {
    for seed in UInt64(0)..<20 {
      var g = RandomQNN.make(seed: seed)
      assertRoundTrips(g, "RandomQNN seed \(seed)")
      // Whether every random network compiles is CompilePropertyTests' question; here, every stage reached.
      try? Pipeline.compile.run(on: &g) { pass, after in assertRoundTrips(after, "RandomQNN seed \(seed) after \(pass)") }
    }
  }
}
