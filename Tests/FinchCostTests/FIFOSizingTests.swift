import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

final class FIFOSizingTests: XCTestCase {
  /// A one-word-per-cycle consumer paced over `span` cycles of a `period`.
  private let passThrough = StartupProfile(wordsBeforeFirstOutput: 1, firstOutputDelay: 1, wordsBeforeLastOutput: 100, lastOutputDelay: 1, ownSpan: 99)

  /// A producer as fast as its consumer needs nothing; one ten times faster
  /// is ahead by all but a tenth of the frame when the consumer's pace ends it.
  func testOccupancyIsTheGapBetweenOfferedAndTakenWords() {
    let even = FIFOSizing.occupancy(
      producer: StreamTiming(first: 1, last: 100, words: 100), consumer: StreamTiming(first: 2, last: 101, words: 100),
      profile: passThrough, words: 100, period: 1000)
    XCTAssertEqual(even, 0, accuracy: 1e-9)
    let fast = FIFOSizing.occupancy(
      producer: StreamTiming(first: 1, last: 100, words: 100), consumer: StreamTiming(first: 2, last: 991, words: 100),
      profile: passThrough, words: 100, period: 1000)
    XCTAssertEqual(fast, 100 - (1 + 99 * 99.0 / 989), accuracy: 1e-6)
  }

  /// Frames overlap: a consumer still on the previous frame when the next
  /// one's words come holds them too.
  func testOccupancyCountsTheNextFramesWords() {
    let late = FIFOSizing.occupancy(
      producer: StreamTiming(first: 1, last: 100, words: 100), consumer: StreamTiming(first: 502, last: 601, words: 100),
      profile: passThrough, words: 100, period: 500)
    // At cycle 500 the consumer has taken nothing (its previous frame ended
    // at 101) while 100 words of this frame wait, by 600 the next frame's too.
    XCTAssertGreaterThanOrEqual(late, 100)
  }

  /// The full-size CNV-W1A1 at 3,000 frames/s on pynq-z1: the FIFOs' estimated
  /// LUTs below the old rule's (32 + MW/SIMD words); prints both per FIFO.
  func testFullSizeCNVFIFOsAreShallowerThanTheRule() throws {
    var graph = try BNNPynqCNV.make()
    try Pipeline.compile.run(on: &graph)
    let layers = try HardwareLayer.layers(of: graph)
    let choice = try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000))
    let sized = choice.pipeline
    let rule = try DataflowPipeline(layers: layers, folding: choice.folding, fifoDepth: StreamGlue.ruleFIFODepth)
    func fifoLUTs(_ p: DataflowPipeline) -> Int {
      p.elements.filter { if case .fifo = $0.kind { true } else { false } }
        .compactMap { StreamGlue.resources($0, on: .xc7)?.lut }.reduce(0, +)
    }
    var lines: [String] = []
    for (s, r) in zip(sized.elements, rule.elements) {
      guard case .fifo(let depth) = s.kind, case .fifo(let old) = r.kind else { continue }
      let lut = StreamGlue.resources(s, on: .xc7)?.lut ?? 0, oldLUT = StreamGlue.resources(r, on: .xc7)?.lut ?? 0
      lines.append("\(s.name): \(s.input.wordBits) bits, depth \(depth) (rule \(old)), \(lut) LUT (rule \(oldLUT))")
    }
    print(lines.joined(separator: "\n"))
    print("FIFO LUTs: \(fifoLUTs(sized)) sized, \(fifoLUTs(rule)) by the rule")
    XCTAssertLessThan(fifoLUTs(sized), fifoLUTs(rule))
    // Issue 15 measured this design's FIFOs and width converters at 4,333
    // estimated LUTs (rule depths, LCM-sized converters, glue-blind folding);
    // the glue the solver now chooses must cost at most half.
    let glue = sized.elements.compactMap { StreamGlue.resources($0, on: .xc7)?.lut }.reduce(0, +)
    let converters = sized.elements.filter { $0.kind == .dwc }
    print("FIFO + DWC LUTs: \(glue) (\(converters.count) converters: \(converters.map(\.name)))")
    XCTAssertLessThanOrEqual(glue, 4_333 / 2)
  }
}
