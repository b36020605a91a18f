import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import XCTest

@testable import FinchDriver

/// ``ArchitectureChoice/decide(dataflow:fastestFitting:dataflowFailure:target:offload:offloadFailure:)``
/// on the cases the CLI tests do not reach with catalogue devices: a dataflow
/// design for the target that does not fit, whose fastest fitting folding
/// misses the target, against a faster and a slower offload engine (clocks set
/// apart to make them so); and nothing at all.
final class ArchitectureChoiceTests: XCTestCase {
  func testTheFastestFittingDataflowFoldingLosesOnlyToAFasterEngine() throws {
    let compilation = try Compilation(model: Fixture(name: "tfc_w2a2").modelPath)
    let device = try DeviceCatalogue.bundled().device(named: "pynq-z1")
    let board = try XCTUnwrap(device.board)
    let target = FoldingTarget.framesPerSecond(1e6)
    // At 1 MHz: 10⁶ frames/s needs every layer unrolled, beyond the part; the fastest folding that fits reaches a few thousand.
    let dataflow = try FoldingChoice(layers: compilation.layers, device: device, clockMHz: 1, target: target)
    XCTAssertFalse(dataflow.estimate.totals.fits(dataflow.estimate.capacity))
    let fitting = try FoldingChoice(layers: compilation.layers, device: device, clockMHz: 1, target: .budget(1))
    XCTAssertTrue(fitting.estimate.totals.fits(fitting.estimate.capacity))
    func offload(clockMHz: Double) throws -> OffloadDesign {
      try OffloadDesign(graph: compilation.graph, board: board, part: device.part, clockMHz: clockMHz, targetFPS: 1e6)
    }
    let fast = try offload(clockMHz: 100), slow = try offload(clockMHz: 1)
    XCTAssertGreaterThan(fast.estimate.fps, fitting.estimate.fps)
    XCTAssertLessThan(slow.estimate.fps, fitting.estimate.fps)
    func decide(_ offload: OffloadDesign) throws -> (ArchitectureChoice.Pick, String) {
      try ArchitectureChoice.decide(
        dataflow: dataflow, fastestFitting: fitting, dataflowFailure: "", target: target, offload: offload, offloadFailure: "")
    }

    let (pick, reason) = try decide(fast)
    guard case .offload = pick else { return XCTFail("picked dataflow: \(reason)") }
    XCTAssertTrue(reason.hasPrefix("dataflow needs "), reason)
    XCTAssertTrue(reason.contains(" on xc7z020 for 1,000,000.0 frames/s; its fastest folding that fits reaches "), reason)
    XCTAssertTrue(reason.contains(" frames/s; offload fits and is faster ("), reason)

    let (again, why) = try decide(slow)
    guard case .dataflow(let chosen) = again else { return XCTFail("picked offload: \(why)") }
    XCTAssertEqual(chosen.folding, fitting.folding)
    XCTAssertTrue(why.contains("frames/s; offload is slower ("), why)
    XCTAssertTrue(why.hasSuffix(String(format: "(%.1f frames/s)", slow.estimate.fps)), why)

    XCTAssertThrowsError(
      try ArchitectureChoice.decide(
        dataflow: nil, fastestFitting: nil, dataflowFailure: "too big", target: target, offload: nil, offloadFailure: "too small")
    ) { XCTAssertEqual($0 as? ArchitectureError, .neitherFits(dataflow: "too big", offload: "too small")) }
  }
}
