import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import XCTest

/// The latency model's arithmetic on hand-worked cases; its agreement with
/// Verilator is checked in FinchRTLTests (AcceleratorTests, FullSizeCNVLatencyTests).
final class LatencyEstimateTests: XCTestCase {
  /// An MVAU (MW 8, MH 4, PE 2, SIMD 4: SF 2, NF 2, no thresholds) alone: its
  /// pipeline is 3 + (1 + ⌈log2 4 / 2⌉) = 5 cycles; input words in cycles 1
  /// and 2, first output in 2 + 5 = 7, the second fold replayed, last in 9.
  /// At the frame rate (4 cycles per frame) the words come in cycles 1 and 4:
  /// first output in 9, last in 4 + 2 + 5 = 11.
  func testOneMVAU() throws {
    var mvau = HardwareLayer(name: "fc", kind: .mvau)
    (mvau.mw, mvau.mh, mvau.inputElements, mvau.outputElements) = (8, 4, 8, 4)
    let pipeline = try DataflowPipeline(layers: [mvau], folding: NetworkFolding([mvau], [LayerFolding(pe: 2, simd: 4)]))
    let latency = LatencyEstimate(pipeline)
    XCTAssertEqual(latency.elements, [StreamTiming(first: 7, last: 9, words: 2)])
    XCTAssertEqual(latency.firstFrameCycles, 9)
    XCTAssertEqual(latency.steadyStateCycles, 11)
  }

  /// A profile waits for its start-up word and, for its last output, for the
  /// later of its own pace and its input's last needed word.
  func testProfileWaitsForSlowInput() {
    let profile = StartupProfile(wordsBeforeFirstOutput: 3, firstOutputDelay: 2, wordsBeforeLastOutput: 10, lastOutputDelay: 4, ownSpan: 20)
    // Fast input (words 1...10 in cycles 1...10): own pace sets the end.
    XCTAssertEqual(profile.output(for: StreamTiming(first: 1, last: 10, words: 10), words: 5), StreamTiming(first: 5, last: 25, words: 5))
    // Slow input (one word every 10 cycles): the last input word sets it.
    XCTAssertEqual(profile.output(for: StreamTiming(first: 1, last: 91, words: 10), words: 5), StreamTiming(first: 23, last: 95, words: 5))
  }

  /// On every fixture at two foldings the overlapped latency lies between the
  /// slowest layer's frame and FINN's no-overlap sum, and pacing the input at
  /// the frame rate never makes a frame faster than the slowest layer.
  func testFixturesLieBetweenBounds() throws {
    for fixture in Fixture.all {
      var graph = try fixture.model()
      try Pipeline.compile.run(on: &graph)
      let layers = try HardwareLayer.layers(of: graph)
      for fps in [1_000.0, 20_000.0] {
        let choice = try FoldingChoice(layers: layers, board: "ultra96", target: .framesPerSecond(fps))
        let e = choice.estimate
        let slowest = e.layers.map(\.cycles).max() ?? 0
        XCTAssertGreaterThan(e.firstFrameLatencyCycles, slowest, "\(fixture.name) at \(fps)")
        XCTAssertLessThan(e.firstFrameLatencyCycles, e.latencyCycles, "\(fixture.name) at \(fps)")
        XCTAssertGreaterThanOrEqual(e.steadyStateLatencyCycles, slowest, "\(fixture.name) at \(fps)")
        XCTAssertEqual(e.layers.last?.lastOutputCycle, e.firstFrameLatencyCycles)
      }
    }
  }
}
