import FinchCost
import FinchIR
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

final class ScratchSynthTests: XCTestCase {
  func testSynth() throws {
    var graph = try BNNPynqCNV.make()
    try Pipeline.compile.run(on: &graph)
    let layers = try HardwareLayer.layers(of: graph)
    let choice = try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000))
    let design = try Design(graph: graph, pipeline: choice.pipeline)
    let dir = URL(fileURLWithPath: "/tmp/scratch/cnv-synth")
    try? FileManager.default.removeItem(at: dir)
    let sources = try design.write(to: dir)
    let report = try Synthesizer.run(
      directory: dir, sources: sources, part: choice.device.part, inputWidth: design.manifest.input.wordBits,
      outputWidth: design.manifest.output.wordBits, names: Dictionary(design.manifest.layers.map { ($0.instance, $0.name) }, uniquingKeysWith: { a, _ in a }),
      estimates: Dictionary(choice.estimate.layers.map { ($0.name, $0.resources) }, uniquingKeysWith: { a, _ in a }), estimateTotals: choice.estimate.totals)
    let data = try JSONEncoder().encode(report)
    try data.write(to: URL(fileURLWithPath: "/tmp/scratch/cnv-synth.json"))
    print("totals", report.totals, "estimate", choice.estimate.totals)
  }
}
