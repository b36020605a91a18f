import FinchDarknet
import FinchIR
import FinchInterpreter
import FinchONNX
import FinchTestSupport
import Foundation
import XCTest

/// A Darknet `.cfg` wherever a command takes a model: its `.weights` beside
/// it by default or named by `--weights`; export writes it as QONNX that
/// runs as the imported network does; mistakes exit 1 naming the file.
final class DarknetCLITests: XCTestCase {
  var work: URL!

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-darknet-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  private let cfg = Fixture.path("darknet/tiny_quant.cfg")

  func testCommandsTakeACfgWithItsWeights() throws {
    let inspect = try FinchCLI.run(["inspect", cfg, "--json"])
    XCTAssertEqual(inspect.status, 0, inspect.stderr)
    XCTAssertEqual((try inspect.jsonObject()["op_counts"] as? [String: Int])?["Conv"], 4)

    let estimate = try FinchCLI.run(["estimate", cfg, "--board", "pynq-z1", "--fps", "10000", "--json"])
    XCTAssertEqual(estimate.status, 0, estimate.stderr)

    // Export, read back as QONNX: the same outputs as the imported network.
    let onnx = work.appendingPathComponent("tiny_quant.onnx").path
    let export = try FinchCLI.run(["export", cfg, "--weights", Fixture.path("darknet/tiny_quant.weights"), "-o", onnx])
    XCTAssertEqual(export.status, 0, export.stderr)
    let imported = try DarknetImporter.load(cfg: cfg), exported = try ONNXImporter.load(path: onnx)
    var rng = SplitMix64(seed: 3)
    let x = Tensor(shape: [1, 3, 16, 16], floats: (0..<768).map { _ in Float(rng.next() % 256) })
    XCTAssertEqual(
      try Interpreter(graph: exported).run(["image": x])[exported.outputs[0]]?.floats,
      try Interpreter(graph: imported).run(["image": x])[imported.outputs[0]]?.floats)
  }

  /// The YOLO heads (Reshape, Gather, Softmax, Concat) and the upsample
  /// (Resize) survive export: the QONNX file computes the same outputs.
  func testYOLOHeadsExportAsQONNX() throws {
    let cfg = Fixture.path("darknet/tiny_yolo.cfg"), onnx = work.appendingPathComponent("tiny_yolo.onnx").path
    let export = try FinchCLI.run(["export", cfg, "-o", onnx])
    XCTAssertEqual(export.status, 0, export.stderr)
    let imported = try DarknetImporter.load(cfg: cfg), exported = try ONNXImporter.load(path: onnx)
    XCTAssertEqual(exported.outputs.count, 2)
    var rng = SplitMix64(seed: 4)
    let x = Tensor(shape: [1, 3, 16, 16], floats: (0..<768).map { _ in Float(rng.next() % 1000) / 1000 })
    let a = try Interpreter(graph: imported).run(["image": x]), b = try Interpreter(graph: exported).run(["image": x])
    for (i, e) in zip(imported.outputs, exported.outputs) { XCTAssertEqual(a[i]?.floats, b[e]?.floats, e) }
  }

  /// A float-weight layer has no hardware layer: a build says which node,
  /// why, and what to do, and writes nothing.
  func testBuildNamesTheLayersWithoutHardware() throws {
    let out = work.appendingPathComponent("build").path
    let build = try FinchCLI.run(["build", cfg, "--board", "pynq-z1", "--fps", "10000", "-o", out])
    XCTAssertEqual(build.status, 1)
    XCTAssertTrue(build.stderr.contains("'conv_5' (MatMul)") && build.stderr.contains("finch compile --allow-host-ops"), build.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out))
  }

  /// Darknet's xnor=1 layers (±1 inputs padded with 0: INT2 × bipolar MVAUs)
  /// build into a dataflow accelerator that Verilator runs bit-exactly.
  func testXNORNetworkBuildsAndSimulatesBitExactly() throws {
    let out = work.appendingPathComponent("xnor").path
    let build = try FinchCLI.run(["build", Fixture.path("darknet/tiny_xnor.cfg"), "--board", "pynq-z1", "--fps", "10000", "-o", out])
    XCTAssertEqual(build.status, 0, build.stderr)
    let simulate = try FinchCLI.run(["simulate", out, "--frames", "2", "--json"])
    XCTAssertEqual(simulate.status, 0, simulate.stderr)
    XCTAssertEqual(try simulate.jsonObject()["mismatches"] as? Int, 0)
  }

  /// A quantized network with a `[shortcut]` and a `[route]` as a design that
  /// branches: built, and simulated bit-exactly under random stalls.
  func testShortcutAndRouteBuildIntoADesignThatBranches() throws {
    let out = work.appendingPathComponent("branch").path
    let build = try FinchCLI.run(["build", Fixture.path("darknet/tiny_branch.cfg"), "--board", "pynq-z1", "--fps", "20000", "-o", out])
    XCTAssertEqual(build.status, 0, build.stderr)
    let simulate = try FinchCLI.run(["simulate", out, "--frames", "2", "--stall", "0.3", "--json"])
    XCTAssertEqual(simulate.status, 0, simulate.stderr)
    let report = try simulate.jsonObject()
    XCTAssertEqual(report["mismatches"] as? Int, 0)
    XCTAssertEqual(report["frame_end_cycles"] as? [Int], report["modelled_frame_end_cycles"] as? [Int])
  }

  /// Tinier-YOLO's layer kinds (tinier_small) as a dataflow accelerator:
  /// Darknet's padded 2/1 max-pool is a window unit and a max-pool over window
  /// positions; Verilator runs frames bit-exactly under random stalls.
  func testTinierSmallBuildsIntoADataflowAcceleratorBitExactly() throws {
    let out = work.appendingPathComponent("tinier").path, input = work.appendingPathComponent("frames.npy").path
    var rng = SplitMix64(seed: 12)
    try NPY.write(Tensor(shape: [2, 3, 64, 64], floats: (0..<(2 * 3 * 64 * 64)).map { _ in Float(rng.next() % 256) }), path: input)
    let build = try FinchCLI.run(["build", Fixture.path("darknet/tinier_small.cfg"), "--board", "pynq-z1", "--fps", "2000", "-o", out])
    XCTAssertEqual(build.status, 0, build.stderr)
    let rtl = try FileManager.default.contentsOfDirectory(atPath: out + "/rtl")
    XCTAssertTrue(["finch_window_maxpool.v", "finch_swu.v", "finch_maxpool.v"].allSatisfy(rtl.contains), "\(rtl)")
    let simulate = try FinchCLI.run(["simulate", out, "--input", input, "--stall", "0.3", "--json"])
    XCTAssertEqual(simulate.status, 0, simulate.stderr)
    XCTAssertEqual(try simulate.jsonObject()["mismatches"] as? Int, 0)
  }

  func testWeightsMistakesExitOneNamingTheFile() throws {
    let copy = work.appendingPathComponent("net.cfg")
    try FileManager.default.copyItem(atPath: cfg, toPath: copy.path)
    let missing = try FinchCLI.run(["inspect", copy.path])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains(work.appendingPathComponent("net.weights").path), missing.stderr)
    // A FINN build configuration does not hide --weights.
    let config = work.appendingPathComponent("build.json")
    try JSONSerialization.data(withJSONObject: ["output_dir": work.appendingPathComponent("out").path, "board": "pynq-z1", "target_fps": 10000])
      .write(to: config)
    let named = work.appendingPathComponent("other.weights").path
    let configured = try FinchCLI.run(["build", cfg, "--config", config.path, "--weights", named])
    XCTAssertEqual(configured.status, 1)
    XCTAssertTrue(configured.stderr.contains(named), configured.stderr)
    let onnx = try FinchCLI.run(["inspect", Fixture.path("tfc_w1a1.onnx"), "--weights", "net.weights"])
    XCTAssertEqual(onnx.status, 1)
    XCTAssertTrue(onnx.stderr.contains("only a Darknet .cfg model takes a .weights file"), onnx.stderr)
  }
}
