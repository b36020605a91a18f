import FinchDriver
import FinchIR
import FinchONNX
import FinchTestSupport
import Foundation
import XCTest

/// What Finch writes passes the ONNX project's own checker
/// (`onnx.checker.check_model`): `compiled.onnx` and `streamlined.onnx` of
/// every fixture, and the export of every imported fixture, with every custom
/// domain declared in `opset_import` and Finch named as the producer.
final class ONNXCheckerTests: XCTestCase {
  /// Checks each model and prints one line per model:
  /// `PATH|PRODUCER VERSION|DOMAIN:VERSION,...|ok` or `...|error: WHY`.
  static let checker = """
    import sys, onnx
    for path in sys.argv[1:]:
        model = onnx.load(path)
        opsets = ",".join(f"{o.domain}:{o.version}" for o in model.opset_import)
        try:
            onnx.checker.check_model(model)
            verdict = "ok"
        except Exception as error:
            verdict = "error: " + " ".join(str(error).split())
        print(f"{path}|{model.producer_name} {model.producer_version}|{opsets}|{verdict}")
    """

  func testCompiledAndExportedModelsPassTheONNXChecker() throws {
    guard run(["python3", "-c", "import onnx"]).status == 0 else {
      throw XCTSkip("python3 cannot import onnx, so onnx.checker cannot run: pip install onnx (scripts/setup.sh does)")
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-onnx-checker-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    var compiled: [String] = [], others: [String] = []
    for fixture in Fixture.all {
      let folder = work.appendingPathComponent(fixture.name)
      try Compilation(model: fixture.modelPath).write(into: folder)
      compiled.append(folder.appendingPathComponent(BuildFolder.compiledGraph).path)
      others.append(folder.appendingPathComponent(BuildFolder.streamlinedGraph).path)
      for source in [fixture.modelPath, fixture.rawModelPath] {
        let path = work.appendingPathComponent("export-" + URL(fileURLWithPath: source).lastPathComponent).path
        try ONNXExporter.save(try ONNXImporter.load(path: source), path: path)
        others.append(path)
      }
    }
    let result = run(["python3", "-c", Self.checker] + compiled + others)
    XCTAssertEqual(result.status, 0, result.output)
    let lines = result.output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
    XCTAssertEqual(lines.count, compiled.count + others.count, result.output)
    for line in lines where line.count == 4 {
      let path = String(line[0])
      XCTAssertEqual(line[3], "ok", path)
      XCTAssertEqual(String(line[1]), "finch \(FinchVersion.current)", path)
      let domains = line[2].split(separator: ",").map { String($0.prefix { $0 != ":" }) }
      XCTAssertEqual(domains.first, "", "\(path): the standard domain comes first")
      if compiled.contains(path) { XCTAssert(domains.contains("finch"), "\(path) declares no finch domain: \(line[2])") }
    }
  }

  /// Runs a command found on PATH, its standard output and error together.
  private func run(_ arguments: [String]) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (-1, "cannot run \(arguments[0]): \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
