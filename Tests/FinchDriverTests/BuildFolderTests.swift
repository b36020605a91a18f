import FinchCost
import FinchDriver
import FinchIR
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
    let (folder, choice) = try BuildFolder.build(
      BuildRequest(model: fixture.modelPath, output: output, board: "pynq-z1", target: .framesPerSecond(20_000)), version: "test",
      progress: { steps.append($0) })
    XCTAssertEqual(steps.count, 3)
    for name in [BuildFolder.compiledGraph, BuildFolder.streamlinedGraph, BuildFolder.summary, BuildFolder.folding, BuildFolder.finnFolding,
                 BuildFolder.estimate, BuildFolder.rtl + "/manifest.json", BuildFolder.inputs, BuildFolder.labels, BuildFolder.sim] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path(name).path), name)
    }
    let reopened = try BuildFolder(output)
    let layers = try HardwareLayer.layers(of: try reopened.graph())
    XCTAssertEqual(layers, choice.pipeline.layers)
    XCTAssertEqual(try reopened.folding(of: layers), choice.folding)
    XCTAssertEqual(try reopened.estimate().layers.map(\.name), choice.estimate.layers.map(\.name))
    XCTAssertEqual(try reopened.writtenDesign().manifest.layers.map(\.name), choice.pipeline.elements.map(\.name))
    // The manifest and the estimate name the same elements, glue included.
    XCTAssertTrue(choice.pipeline.elements.contains { $0.name.hasPrefix("fifo_") })
  }

  func testOnlyBuildFoldersOpen() throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-notbuild-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    XCTAssertThrowsError(try BuildFolder(work.path)) { XCTAssertTrue("\($0)".contains(work.path), "\($0)") }
  }
}
