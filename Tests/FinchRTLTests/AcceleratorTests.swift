import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The TFC-W2A2 and CNV fixtures built at a small and a large folding,
/// simulated end to end in Verilator (TFC-W1A1, the XNOR subset of TFC-W2A2's
/// structure, runs through HardwareCLITests' build and simulate): bit-exact with the interpreter on the reference samples, with and
/// without random stalls, cycles per frame within 5% of the cycle model, the
/// first frame's latency within 10% of the latency model, and the generated
/// Verilog lint-clean.
final class AcceleratorTests: XCTestCase {
  /// (fixture, target frames/s of the small and the large folding at 100 MHz)
  let targets = [("tfc_w2a2", 2_000.0, 50_000.0), ("cnv_w1a1_small", 1_000.0, 5_000.0)]

  func testFixturesRunBitExactAtTwoFoldings() throws {
    var table: [String] = []
    for (name, small, large) in targets {
      let fixture = Fixture(name: name)
      var graph = try fixture.model()
      try Pipeline.compile.run(on: &graph)
      let layers = try HardwareLayer.layers(of: graph)
      // xczu3eg's totals with the xc7 rules: the foldings the cycle checks were made with.
      let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 70_560, ff: 141_120, dsp: 360, bram18: 432), family: .xc7)
      let inputs = try fixture.inputs()
      for (label, fps, frames, stall) in [("small", small, 100, 0), ("large", large, 100, 0), ("large+stall", large, 8, 307)] {
        let foldings = solver.solve(targetCycles: Int(100e6 / fps))
        let design = try Design(graph: graph, folding: NetworkFolding(layers, foldings))
        let estimate = Estimate(
          board: "ultra96", part: "xczu3eg", family: .xc7, clockMHz: 100, capacity: solver.capacity, pipeline: design.pipeline, targetFPS: nil)
        XCTAssertEqual(design.manifest.layers.map(\.name), estimate.layers.map(\.name), "\(name) \(label): estimate and design name elements alike")
        let estimated = zip(layers, foldings).map { CycleModel.cycles($0, $1) }.max()!
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-accel-\(name)-\(label)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try AcceleratorCheck(graph: graph, design: design).run(
          samples: inputs.firstSamples(frames), directory: dir, simulator: .verilator, stall: stall, estimatedCyclesPerFrame: estimated)
        XCTAssertEqual(report.mismatches, 0, "\(name) \(label): first mismatch at frame \(report.firstMismatch ?? -1)")
        XCTAssertEqual(report.frames, frames)
        XCTAssertEqual(report.modelledFrameEndCycles, report.frameEndCycles, "\(name) \(label): the handshake model's frame ends")
        if stall == 0 {
          let error = report.cyclesPerFrame / Double(estimated) - 1
          XCTAssertLessThanOrEqual(abs(error), 0.05, "\(name) \(label): \(report.cyclesPerFrame) cycles/frame vs model \(estimated)")
          let latency = estimate.firstFrameLatencyCycles
          let latencyError = Double(report.firstFrameLatencyCycles) / Double(latency) - 1
          XCTAssertLessThanOrEqual(
            abs(latencyError), 0.10, "\(name) \(label): first frame after \(report.firstFrameLatencyCycles) cycles vs latency model \(latency)")
          table.append(String(format: "%@ %@: %.0f cycles/frame measured, %d modelled (%+.1f%%); first frame %d measured, %d modelled (%+.1f%%); %.0f sim cycles/s, build %.1f s",
                              name, label, report.cyclesPerFrame, estimated, 100 * error, report.firstFrameLatencyCycles, latency,
                              100 * latencyError, report.simCyclesPerSecond, report.buildSeconds))
        }
        if label == "small" { try lint(dir) }
      }
    }
    print(table.joined(separator: "\n"))
  }

  /// `verilator --lint-only -Wall` on the generated top level and every module it uses.
  private func lint(_ dir: URL) throws {
    let sources = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".v") && $0 != VerilogLibrary.testbench }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["verilator", "--lint-only", "-Wall", "--top-module", "finch_top"] + sources.sorted()
    process.currentDirectoryURL = dir
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "lint of \(dir.lastPathComponent):\n\(log.prefix(3000))")
  }
}
