import FinchCost
import FinchDarknet
import FinchIR
import FinchOffload
import FinchTestSupport
import XCTest

/// A Darknet detector with Tinier-YOLO's layer kinds (tinier_small: an
/// 8-bit-weight first layer, binary-weight 3-bit layers, max-pools 2/2 and
/// Darknet's padded 2/1, an 8-bit-weight linear 1×1 layer, a region head)
/// imported and compiled, through an engine the solver sizes: the padded
/// pool runs on the CPU between engine calls, and a frame is bit-exact with
/// the interpreter.
final class DarknetOffloadTests: XCTestCase {
  func graph() throws -> Graph { try compiled(try DarknetImporter.load(cfg: Fixture.path("darknet/tinier_small.cfg"))) }

  func testPaddedPoolRunsOnTheCPUBetweenEngineCalls() throws {
    let graph = try graph()
    let catalogue = try DeviceCatalogue.bundled()
    let board = try catalogue.board(named: "ultra96")
    let design = try OffloadDesign(graph: graph, board: board, part: try catalogue.part(of: board))
    let pool = try XCTUnwrap(design.schedule.cpuLayers.first { $0.name == "maxpool_10" })
    XCTAssertTrue(pool.reason.contains("no padding"), pool.reason)
    // The pool sits between engine steps: the schedule goes engine, CPU, engine.
    let kinds = design.schedule.steps.map(\.kind)
    let poolStep = try XCTUnwrap(design.schedule.steps.firstIndex { $0.layers.contains("maxpool_10") })
    XCTAssertEqual(kinds[poolStep - 1], .engine)
    XCTAssertEqual(kinds[poolStep + 1], .engine)
    let samples = RandomQNN.inputs(for: graph, samples: 2, seed: 21)
    try assertRunsLikeInterpreter(graph, design.engine, samples: samples, "tinier_small on the solver's ultra96 engine")
  }

  /// Lanes as narrow as the binary 3-bit layers leave the 8-bit-weight first
  /// and last layers to the CPU, with the sizing limits of the layers it runs
  /// (the first layer's 66×66 image does not set max_image_size).
  func testNarrowLanesLeaveTheWideLayersToTheCPU() throws {
    let graph = try graph()
    let layers = try HardwareLayer.layers(of: graph)
    let catalogue = try DeviceCatalogue.bundled()
    let solver = try EngineSizeSolver(layers: layers, board: catalogue.board(named: "ultra96"), catalogue: catalogue, activationBits: 3, weightBits: 1)
    let choice = try solver.solve()
    XCTAssertEqual([choice.engine.weightBits, choice.engine.activationBits], [1, 3])
    XCTAssertEqual(choice.engine.maxImageSize, 34)
    let cpu = Set(choice.schedule.cpuLayers.map(\.name))
    XCTAssertTrue(["conv_0", "conv_13", "maxpool_10"].allSatisfy(cpu.contains), "\(cpu)")
    let samples = RandomQNN.inputs(for: graph, samples: 1, seed: 22)
    try assertRunsLikeInterpreter(graph, choice.engine, samples: samples, "tinier_small, W1A3 lanes")
  }
}
