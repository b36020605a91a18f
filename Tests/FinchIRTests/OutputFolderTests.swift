import FinchIR
import Foundation
import XCTest

/// Output folders and files appear whole or not at all, and nothing Finch did
/// not write is ever replaced.
final class OutputFolderTests: XCTestCase {
  var work: URL!
  let fm = FileManager.default

  override func setUpWithError() throws {
    work = fm.temporaryDirectory.appendingPathComponent("finch-output-\(UUID())")
    try fm.createDirectory(at: work, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? fm.removeItem(at: work) }

  struct Failure: Error {}

  func write(_ path: URL, file: String = "a.txt", failing: Bool = false) throws {
    try OutputFolder.write(to: path.path, command: "test", version: "0", inputs: []) { dir in
      try Data("new".utf8).write(to: dir.appendingPathComponent(file))
      if failing { throw Failure() }
    }
  }

  func testFailedFillLeavesNothingBehind() throws {
    let out = work.appendingPathComponent("deep/er/out")
    XCTAssertThrowsError(try write(out, failing: true))
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: work.path), [], "created parents and the partial folder are removed")
    try write(out)
    XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out.path)), ["a.txt", OutputFolder.markerName])
    // A failed replacement keeps the previous folder as it was.
    XCTAssertThrowsError(try write(out, file: "b.txt", failing: true))
    XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out.path)), ["a.txt", OutputFolder.markerName])
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["out"])
    // A successful one replaces it whole.
    try write(out, file: "b.txt")
    XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out.path)), ["b.txt", OutputFolder.markerName])
  }

  func testForeignOrFakeMarkersAreRefused() throws {
    let out = work.appendingPathComponent("out")
    try fm.createDirectory(at: out, withIntermediateDirectories: false)
    try Data("{\"written_by\": \"someone\", \"version\": \"1\", \"command\": \"x\"}".utf8)
      .write(to: out.appendingPathComponent(OutputFolder.markerName))
    XCTAssertThrowsError(try write(out)) { error in
      guard case .notFinchFolder(let path, nil)? = error as? OutputError else { return XCTFail("\(error)") }
      XCTAssertEqual(path, out.path)
    }
    try Data("not json".utf8).write(to: out.appendingPathComponent(OutputFolder.markerName))
    XCTAssertThrowsError(try write(out))
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: out.path), [OutputFolder.markerName])
  }

  func testOutputFileReplacesWholeAndThroughLinks() throws {
    let file = work.appendingPathComponent("x.bin"), link = work.appendingPathComponent("l.bin")
    try OutputFile.write(Data([1, 2, 3]), to: file.path)
    try fm.createSymbolicLink(at: link, withDestinationURL: file)
    try OutputFile.write(Data([4]), to: link.path)
    XCTAssertEqual(try Data(contentsOf: file), Data([4]))
    XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: link.path), file.path)
    XCTAssertThrowsError(try OutputFile.write(Data([5]), to: link.path, inputs: [file.path])) { error in
      guard case .overwritesInput? = error as? OutputError else { return XCTFail("\(error)") }
    }
    XCTAssertThrowsError(try OutputFile.write(Data([5]), to: ""))
    XCTAssertThrowsError(try OutputFile.write(Data([5]), to: work.path))
    XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: work.path)), ["x.bin", "l.bin"])
  }
}
