import FinchCost
import FinchDriver
import FinchIR
import FinchOffload
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// A build written by ``BuildFolder/build(_:version:progress:warning:)`` reads
/// back as written, and only build folders open.
final class BuildFolderTests: XCTestCase {
  func testBuildReadsBackAsWritten() throws {
    let fixture = Fixture(name: "tfc_w2a2")
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-buildfolder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    let output = work.appendingPathComponent("b").path
    var steps: [String] = []
    let (folder, arch) = try BuildFolder.build(
      BuildRequest(model: fixture.modelPath, output: output, board: "pynq-z1", target: .framesPerSecond(20_000)), version: "test",
      progress: { steps.append($0) })
    let choice = try XCTUnwrap(arch.dataflow)
    XCTAssertEqual(steps.count, 3)
    for name in [BuildFolder.compiledGraph, BuildFolder.streamlinedGraph, BuildFolder.summary, BuildFolder.folding, BuildFolder.finnFolding,
                 BuildFolder.estimate, BuildFolder.architecture, BuildFolder.rtl + "/manifest.json", BuildFolder.inputs, BuildFolder.labels, BuildFolder.sim] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path(name).path), name)
    }
    let reopened = try BuildFolder(output)
    XCTAssertEqual(try reopened.architecture(), .dataflow)
    let layers = try HardwareLayer.layers(of: try reopened.graph())
    XCTAssertEqual(layers, choice.pipeline.layers)
    XCTAssertEqual(try reopened.folding(of: layers), choice.folding)
    XCTAssertEqual(try reopened.estimate().layers.map(\.name), choice.estimate.layers.map(\.name))
    XCTAssertEqual(try reopened.writtenDesign().manifest.layers.map(\.name), choice.pipeline.elements.map(\.name))
    // The manifest and the estimate name the same elements, glue included.
    XCTAssertTrue(choice.pipeline.elements.contains { $0.name.hasPrefix("fifo_") })
  }

  /// An offload build reads back through BuildFolder as the build made it:
  /// architecture, engine, schedule, memory image, estimate and the engine's
  /// Verilog; the dataflow simulation refuses it.
  func testOffloadBuildReadsBackAsWritten() throws {
    let fixture = Fixture(name: "cnv_w1a1_small")
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-offloadfolder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    let output = work.appendingPathComponent("b").path
    var steps: [String] = []
    let (folder, choice) = try BuildFolder.build(
      BuildRequest(model: fixture.modelPath, output: output, board: "pynq-z1", target: .pinned, arch: .offload), version: "test",
      progress: { steps.append($0) })
    XCTAssertEqual(steps.count, 3)
    let design = try XCTUnwrap(choice.offload)
    XCTAssertNil(choice.dataflow)
    XCTAssertEqual(choice.chosen, .offload)
    let reopened = try BuildFolder(output)
    XCTAssertEqual(try reopened.architecture(), .offload)
    XCTAssertEqual(try reopened.engine(), design.engine)
    XCTAssertEqual(try reopened.schedule(), design.schedule)
    XCTAssertEqual(try reopened.memoryImage(), try MemoryImage(schedule: design.schedule, layers: try HardwareLayer.layers(of: try reopened.graph())))
    XCTAssertEqual(try reopened.offloadEstimate(), design.report)
    XCTAssertEqual(try reopened.architectureReport().offload, design.report)
    // The engine's Verilog and its simulation folder, not the dataflow design's folding and estimate.
    for name in [BuildFolder.rtl + "/manifest.json", BuildFolder.sim] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path(name).path), name)
    }
    XCTAssertEqual(try reopened.writtenEngineDesign().manifest.engine, design.engine)
    for name in [BuildFolder.folding, BuildFolder.estimate] {
      XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path(name).path), name)
    }
    XCTAssertThrowsError(try reopened.simulate(samples: Tensor(scalar: 0), simulator: .verilator, stall: 0)) {
      XCTAssertEqual($0 as? ArchitectureError, .wrongArchitecture(folder: reopened.url.path, holds: .offload, command: "simulate"))
    }
    // A memory image cut short is refused, naming both sizes.
    try Data(try reopened.memoryImage().bytes.dropLast()).write(to: reopened.path(BuildFolder.memoryImage))
    XCTAssertThrowsError(try reopened.memoryImage()) { XCTAssertTrue("\($0)".contains("the schedule's image_bytes is"), "\($0)") }
  }

  func testOnlyBuildFoldersOpen() throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-notbuild-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    XCTAssertThrowsError(try BuildFolder(work.path)) { XCTAssertTrue("\($0)".contains(work.path), "\($0)") }
  }
}
