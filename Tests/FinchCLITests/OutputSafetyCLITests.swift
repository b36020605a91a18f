import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// No command deletes or overwrites what it did not write: refused output
/// folders and files leave everything in place and exit 1 with one clear line.
final class OutputSafetyCLITests: XCTestCase {
  let tfc = Fixture(name: "tfc_w1a1")
  var work: URL!
  var model: String { work.appendingPathComponent("models/m.onnx").path }
  var userFile: URL { work.appendingPathComponent("models/notes.txt") }

  override func setUpWithError() throws {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-safety-\(UUID())")
    try FileManager.default.createDirectory(at: work.appendingPathComponent("models/sub"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: tfc.modelPath, toPath: model)
    try Data("mine".utf8).write(to: userFile)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  /// Runs finch in `models/sub` (so `..` is the model's folder) and checks that it refused.
  func assertRefused(_ arguments: [String], mentioning words: [String], in folder: String = "models/sub", file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    let r = try FinchCLI.run(arguments, currentDirectory: work.appendingPathComponent(folder))
    XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
    let lines = r.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, r.stderr, file: file, line: line)
    XCTAssertTrue(lines.first?.hasPrefix("error: ") ?? false, r.stderr, file: file, line: line)
    for word in words { XCTAssertTrue(r.stderr.contains(word), "\(word) not in: \(r.stderr)", file: file, line: line) }
    XCTAssertEqual(try String(contentsOf: userFile, encoding: .utf8), "mine", file: file, line: line)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), try Data(contentsOf: URL(fileURLWithPath: tfc.modelPath)), file: file, line: line)
  }

  func testCompileRefusesFoldersItDidNotWrite() throws {
    let stranger = work.appendingPathComponent("models/sub/theirs")
    try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
    try Data("keep".utf8).write(to: stranger.appendingPathComponent("data.bin"))
    try assertRefused(["compile", model, "-o", ""], mentioning: ["empty"])
    try assertRefused(["compile", model, "-o", "."], mentioning: ["'.'", "current or parent"])
    try assertRefused(["compile", model, "-o", ".."], mentioning: ["'..'"])
    try assertRefused(["compile", model, "-o", "/"], mentioning: ["root"])
    try assertRefused(["compile", model, "-o", work.path], mentioning: ["holds the current folder"])
    try assertRefused(["compile", model, "-o", work.appendingPathComponent("models").path], mentioning: ["holds the input"], in: ".")
    try assertRefused(["compile", model, "-o", model], mentioning: ["is the input"], in: ".")
    try assertRefused(["compile", model, "-o", userFile.path], mentioning: ["is a file, not a folder"], in: ".")
    try assertRefused(["compile", model, "-o", "theirs"], mentioning: ["not written by Finch", "finch-output.json"])
    try assertRefused(["build", model, "--board", "pynq-z1", "--fps", "1000", "-o", "theirs"], mentioning: ["not written by Finch"])
    // simulate and synth add sim/ and synth/ only to build folders.
    try Data("{}".utf8).write(to: stranger.appendingPathComponent("estimates.json"))
    try assertRefused(["synth", "theirs"], mentioning: ["not a folder written by `finch build`"])
    try assertRefused(["simulate", "theirs"], mentioning: ["not a folder written by `finch build`"])
    try FileManager.default.removeItem(at: stranger.appendingPathComponent("estimates.json"))
    XCTAssertEqual(try String(contentsOf: stranger.appendingPathComponent("data.bin"), encoding: .utf8), "keep")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stranger.path), ["data.bin"])
  }

  func testCompileReplacesOnlyItsOwnOrEmptyFolders() throws {
    let out = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
    for _ in 0..<2 {  // empty, then Finch's own
      let r = try FinchCLI.run(["compile", model, "-o", out.path])
      XCTAssertEqual(r.status, 0, r.stderr)
      let marker = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("finch-output.json"))) as? [String: Any]
      XCTAssertEqual(marker?["written_by"] as? String, "finch")
      XCTAssertEqual(marker?["command"] as? String, "compile")
    }
    // A link to a Finch folder is written through: the link stays, its target is replaced.
    let link = work.appendingPathComponent("link")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: out)
    let r = try FinchCLI.run(["compile", model, "-o", link.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), out.path)
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("compiled.onnx").path))
    // Nothing but the output is left beside it.
    XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: work.path)), ["models", "out", "link"])
  }

  func testSingleFileOutputs() throws {
    let input = work.appendingPathComponent("in.npy")
    try FileManager.default.copyItem(atPath: tfc.inputPath, toPath: input.path)
    // A FIFO, a device, a folder and the inputs are refused; nothing blocks on the FIFO.
    let fifo = work.appendingPathComponent("pipe")
    XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
    try assertRefused(["export", model, "-o", fifo.path], mentioning: ["is a FIFO"], in: ".")
    try assertRefused(["export", model, "-o", "/dev/null"], mentioning: ["is a device"], in: ".")
    try assertRefused(["export", model, "-o", work.path], mentioning: ["is a folder"], in: ".")
    try assertRefused(["export", model, "-o", model], mentioning: ["is the input"], in: ".")
    try assertRefused(["run", model, "-i", input.path, "-o", input.path], mentioning: ["is the input"], in: ".")
    try assertRefused(["run", model, "-i", input.path, "-o", ""], mentioning: ["empty"], in: ".")
    try assertRefused(
      ["estimate", model, "--board", "pynq-z1", "--fps", "1000", "--write-folding", work.path], mentioning: ["--write-folding", "is a folder"], in: ".")

    // A symbolic link is written through.
    let real = work.appendingPathComponent("real.npy"), link = work.appendingPathComponent("link.npy")
    try Data("old".utf8).write(to: real)
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
    var r = try FinchCLI.run(["run", model, "-i", input.path, "-o", link.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), real.path)
    XCTAssertEqual(try NPY.read(path: real.path).shape, try tfc.outputs().shape)

    // `-` is standard output, with the status line on standard error.
    r = try FinchCLI.run(["run", model, "-i", input.path, "-o", "-"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try NPY.decode([UInt8](r.stdoutBytes)).floats, try NPY.read(path: real.path).floats)
    let file = work.appendingPathComponent("e.onnx").path
    XCTAssertEqual(try FinchCLI.run(["export", model, "-o", file]).status, 0)
    r = try FinchCLI.run(["export", model, "-o", "-"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.hasPrefix("exported"), r.stderr)
    XCTAssertEqual(r.stdoutBytes, try Data(contentsOf: URL(fileURLWithPath: file)))
  }
}
