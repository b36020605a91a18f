import FinchDriver
import FinchTestSupport
import Foundation
import XCTest

/// The HTML reports as a person sees them: headless Chromium (Debian's
/// package, which the setup script installs) renders each kind of page to a
/// PNG that must not be blank, logs no console error, and the page's DOM
/// holds the names and totals the page is about: the CNV fixture's build
/// (its layers, datatypes, bottleneck and LUT total), the same build after
/// `finch report` renews it, an offload build, and an exploration's Pareto page.
final class HTMLReportCLITests: XCTestCase {
  var work: URL!

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  /// Runs headless Chromium on `page` with `arguments`; returns stdout and stderr.
  func chromium(_ arguments: [String], _ page: URL) throws -> (stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"] + arguments + [page.absoluteString]
    let (out, err) = (Pipe(), Pipe())
    (p.standardOutput, p.standardError) = (out, err)
    try p.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, stderr)
    return (stdout, stderr)
  }

  /// Renders `page`: its DOM must hold every one of `words`, the console no error, the screenshot ink.
  func assertRenders(_ page: URL, holding words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    let dom = try chromium(["--dump-dom"], page)
    for word in words { XCTAssertTrue(dom.stdout.contains(word), "'\(word)' not in the DOM of \(page.path)", file: file, line: line) }
    XCTAssertFalse(dom.stderr.contains("CONSOLE"), "console messages: \(dom.stderr)", file: file, line: line)
    let png = work.appendingPathComponent(page.deletingPathExtension().lastPathComponent + "-\(UUID().uuidString).png")
    let start = Date()
    _ = try chromium(["--screenshot=\(png.path)", "--window-size=1280,1600"], page)
    let image = try ImageFile.load(png.path)
    XCTAssertEqual([image.width, image.height], [1280, 1600], file: file, line: line)
    let ink = Double(image.values.filter { $0 < 0.8 }.count) / Double(image.values.count)
    XCTAssertGreaterThan(ink, 0.01, "the screenshot of \(page.path) is blank", file: file, line: line)
    let bytes = (try FileManager.default.attributesOfItem(atPath: page.path)[.size] as? Int) ?? 0
    print("\(page.path): \(bytes) bytes, screenshot in \(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(String(format: "%.1f", 100 * ink))% ink")
  }

  func testBuildAndExplorationPagesRenderInChromium() throws {
    let cnv = Fixture(name: "cnv_w1a1_small")
    let build = work.appendingPathComponent("cnv")
    let r = try FinchCLI.run(["build", cnv.modelPath, "--board", "pynq-z1", "--fps", "3000", "-o", build.path, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let estimate = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(contentsOf: build.appendingPathComponent("estimates.json"))) as? [String: Any])
    let bottleneck = try XCTUnwrap(estimate["bottleneck"] as? String)
    let lut = try XCTUnwrap((estimate["totals"] as? [String: Any])?["lut"] as? Int)
    let page = build.appendingPathComponent("report.html")
    try assertRenders(
      page, holding: ["Conv_0", "MatMul_1", "Layers", "class=\"hot\"", bottleneck, "LUT \(lut)/53200", "BIPOLAR", "Roofline", "Power", "Host work"])
    let html = try String(contentsOf: page, encoding: .utf8)
    let fetched = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    XCTAssertFalse(html.contains("<script") || fetched.contains("http://") || fetched.contains("https://"), "the page fetches or runs something")

    // finch report renews the page; anything not Finch's is refused.
    let again = try FinchCLI.run(["report", build.path, "-o", work.appendingPathComponent("again.html").path])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("again.html"), encoding: .utf8), html)
    let refused = try FinchCLI.run(["report", work.path])
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.stderr.contains("neither a build folder"), refused.stderr)

    // An offload build's page: the engine's units and calls, the layers on the CPU.
    let offload = work.appendingPathComponent("mo")
    let o = try FinchCLI.run(["build", Fixture(name: "tfc_w2a2").modelPath, "--board", "pynq-z1", "--arch", "offload", "-o", offload.path])
    XCTAssertEqual(o.status, 0, o.stderr)
    try assertRenders(
      offload.appendingPathComponent("report.html"), holding: ["Engine units", "weight_buffer", "Engine calls", "MatMul_0", "Layers on the CPU", "Power"])

    // An exploration's page: one Pareto chart per front, every point in the table.
    let (w1, w2) = (Fixture(name: "tfc_w1a1"), Fixture(name: "tfc_w2a2"))
    let dse = work.appendingPathComponent("dse")
    let x = try FinchCLI.run([
      "explore", w1.modelPath, w2.modelPath, "--test-input", w1.inputPath, "--test-labels", w1.labelsPath, "--board", "pynq-z1,ultra96",
      "--fps", "1000..100000:5", "-o", dse.path,
    ])
    XCTAssertEqual(x.status, 0, x.stderr)
    try assertRenders(
      dse.appendingPathComponent("report.html"),
      holding: ["Pareto fronts", "accuracy (%) vs LUT", "frames/s vs LUT", "frames/s per W vs accuracy (%)", "class=\"point on-front\"", "tfc_w2a2.onnx"])
  }
}
