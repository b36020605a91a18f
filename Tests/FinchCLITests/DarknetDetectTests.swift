import FinchDarknet
import FinchDriver
import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// `finch detect` against the independent reference (scripts/darknet-reference.py,
/// tiny_detect): the same letterboxed input, the same boxes after decoding,
/// letterbox correction and non-maximum suppression, from a PNG and a JPEG.
final class DarknetDetectTests: XCTestCase {
  let cfg = Fixture.path("darknet/tiny_detect.cfg")
  let png = Fixture.path("darknet/tiny_detect.png")

  /// The reference's detections (`tiny_detect.detections.json`).
  struct Expected: Decodable {
    struct Item: Decodable {
      var `class`: Int
      var confidence: Float
      var box: Box
    }
    var threshold: Float
    var nms: Float
    var width: Int
    var height: Int
    var detections: [Item]
  }

  func expected() throws -> Expected {
    try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixture.path("darknet/tiny_detect.detections.json"))))
  }

  func assertMatches(_ found: [(classIndex: Int, confidence: Float, box: Box)], _ reference: Expected, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(found.count, reference.detections.count, "detections", file: file, line: line)
    for (i, (f, e)) in zip(found, reference.detections).enumerated() {
      XCTAssertEqual(f.classIndex, e.class, "detection \(i)", file: file, line: line)
      XCTAssertEqual(f.confidence, e.confidence, accuracy: 1e-5, "detection \(i)", file: file, line: line)
      for (a, b) in [(f.box.x, e.box.x), (f.box.y, e.box.y), (f.box.w, e.box.w), (f.box.h, e.box.h)] {
        XCTAssertEqual(a, b, accuracy: 1e-5, "detection \(i) box", file: file, line: line)
      }
    }
  }

  /// The PNG letterboxed to the network's 32×32 input as pixel levels equals
  /// the reference's; the CPU backend and the interpreter both give the
  /// reference's 123 boxes (suppression removes more than half of the candidates).
  func testDetectionsMatchTheReference() throws {
    let network = try DarknetImporter.network(cfg: cfg)
    XCTAssertEqual(network.heads.map(\.kind), [.region, .yolo])
    XCTAssertEqual(network.heads[1].anchors, [.init(width: 8, height: 9), .init(width: 12, height: 14), .init(width: 20, height: 17)])
    let detector = try DarknetDetector(network: network)
    let image = try ImageFile.load(png)
    XCTAssertEqual([image.channels, image.height, image.width], [3, 28, 40])
    let x = try detector.input(for: image)
    XCTAssertEqual(x.floats, try NPY.read(path: Fixture.path("darknet/tiny_detect.in.npy")).floats)
    let reference = try expected()
    for backend in InferenceBackend.allCases {
      let session = try InferenceSession(imported: network.graph, model: cfg, backend: backend, threads: 1, maxBatch: 1)
      let outputs = Dictionary(uniqueKeysWithValues: zip(network.graph.outputs, try session.runOutputs(x)))
      let found = try detector.detections(outputs, imageSize: (40, 28), threshold: reference.threshold, nms: reference.nms)
      assertMatches(found.map { ($0.classIndex, $0.confidence, $0.box) }, reference)
      let unsuppressed = try detector.detections(outputs, imageSize: (40, 28), threshold: reference.threshold, nms: 0)
      XCTAssertGreaterThan(unsuppressed.count, 2 * found.count, "\(backend)")
    }
  }

  /// The command prints the reference's boxes as JSON, labelled from a names
  /// file, and one line per box without --json.
  func testCommandPrintsTheReferenceBoxes() throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-detect-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let names = work.appendingPathComponent("three.names")
    try "cat\ndog\nbird\n".write(to: names, atomically: true, encoding: .utf8)
    let run = try FinchCLI.run(["detect", cfg, png, "--threshold", "0.3", "--names", names.path, "--json"])
    XCTAssertEqual(run.status, 0, run.stderr)
    struct Printed: Decodable {
      struct Item: Decodable {
        var `class`: Int
        var label: String?
        var confidence: Float
        var box: Box
        var left: Int, top: Int, right: Int, bottom: Int
      }
      var width: Int
      var height: Int
      var detections: [Item]
    }
    let printed = try JSONDecoder().decode(Printed.self, from: Data(run.stdout.utf8))
    XCTAssertEqual([printed.width, printed.height], [40, 28])
    assertMatches(printed.detections.map { ($0.class, $0.confidence, $0.box) }, try expected())
    for d in printed.detections {
      XCTAssertEqual(d.label, ["cat", "dog", "bird"][d.class])
      XCTAssertTrue((0...39).contains(d.left) && d.left <= d.right && d.right <= 39 && (0...27).contains(d.top) && d.top <= d.bottom && d.bottom <= 27)
    }
    let text = try FinchCLI.run(["detect", cfg, png, "--threshold", "0.3"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertEqual(text.stdout.split(separator: "\n").count, 1 + printed.detections.count)
  }

  /// A JPEG decodes (libjpeg-turbo) to the pixels Pillow decoded it to, within
  /// a level where the two libraries' IDCTs differ.
  func testJPEGDecodesLikeTheReference() throws {
    let image = try ImageFile.load(Fixture.path("darknet/tiny_detect.jpg"))
    let reference = try NPY.read(path: Fixture.path("darknet/tiny_detect.jpg.npy"))  // [H, W, 3], 0...255
    XCTAssertEqual(reference.shape.dims, [image.height, image.width, 3])
    let r = reference.floats
    var worst: Float = 0
    for y in 0..<image.height {
      for x in 0..<image.width {
        for c in 0..<3 { worst = max(worst, abs(image.values[(c * image.height + y) * image.width + x] * 255 - r[(y * image.width + x) * 3 + c])) }
      }
    }
    XCTAssertLessThanOrEqual(worst, 1.001)
  }

  /// Darknet's resize keeps corners and a constant image; letterboxing a wide
  /// image pads top and bottom with grey.
  func testLetterboxKeepsTheImageAndPadsWithGrey() {
    let image = DarknetImage(channels: 1, height: 2, width: 4, values: [0, 0.25, 0.5, 1, 1, 0.5, 0.25, 0])
    let big = image.resized(width: 7, height: 3)
    XCTAssertEqual([big[0, 0, 0], big[0, 0, 6], big[0, 2, 0], big[0, 2, 6]], [0, 1, 1, 0])
    let boxed = image.letterboxed(width: 8, height: 8)
    XCTAssertEqual(DarknetImage.letterboxSize(of: (4, 2), in: (8, 8)).height, 4)
    XCTAssertEqual(Array(boxed.values[0..<16]), [Float](repeating: 0.5, count: 16))
    XCTAssertEqual(boxed[0, 2, 0], 0)
    XCTAssertEqual(boxed[0, 5, 7], 0)
    XCTAssertEqual(Array(boxed.values[48..<64]), [Float](repeating: 0.5, count: 16))
  }

  /// Suppression zeroes a class's weaker overlapping box and keeps a box that
  /// overlaps only a box of another class.
  func testSuppressionIsPerClass() {
    let a = Box(x: 0.5, y: 0.5, w: 0.4, h: 0.4), b = Box(x: 0.52, y: 0.5, w: 0.4, h: 0.4), far = Box(x: 0.1, y: 0.1, w: 0.1, h: 0.1)
    XCTAssertEqual(a.iou(a), 1, accuracy: 1e-6)
    XCTAssertEqual(a.iou(far), 0)
    var c = [
      Candidate(box: b, objectness: 1, probabilities: [0.8, 0]), Candidate(box: a, objectness: 1, probabilities: [0.9, 0.7]),
      Candidate(box: far, objectness: 1, probabilities: [0.6, 0]), Candidate(box: a, objectness: 1, probabilities: [0, 0.2]),
    ]
    suppressNonMaxima(&c, threshold: 0.45)
    XCTAssertEqual(c.map(\.probabilities), [[0, 0], [0.9, 0.7], [0.6, 0], [0, 0]])
  }

  /// Mistakes exit 1 naming the file: not an image, an image of the wrong
  /// channel count, a network without heads, an ONNX model.
  func testMistakesExitOneNamingTheFile() throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("finch-detect-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let text = work.appendingPathComponent("notes.png")
    try "not a picture".write(to: text, atomically: true, encoding: .utf8)
    let truncated = work.appendingPathComponent("cut.png")
    try Data(try Data(contentsOf: URL(fileURLWithPath: png)).prefix(100)).write(to: truncated)
    let gray = work.appendingPathComponent("gray.npy")
    try NPY.write(Tensor(shape: [1, 8, 8], floats: [Float](repeating: 0.5, count: 64)), path: gray.path)
    for (arguments, needle) in [
      ([cfg, text.path], "notes.png: neither a PNG nor a JPEG"),
      ([cfg, truncated.path], "cut.png: a damaged PNG"),
      ([cfg, gray.path], "the image has 1 channels; the network takes 3"),
      ([Fixture.path("darknet/tiny_quant.cfg"), png], "no [region] or [yolo] layer"),
      ([Fixture.path("tfc_w1a1.onnx"), png], "finch detect takes a Darknet .cfg"),
    ] {
      let run = try FinchCLI.run(["detect"] + arguments)
      XCTAssertNotEqual(run.status, 0, "\(arguments)")
      XCTAssertTrue(run.stderr.contains(needle), "\(arguments): \(run.stderr)")
    }
  }
}
