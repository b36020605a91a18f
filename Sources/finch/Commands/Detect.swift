import ArgumentParser
import FinchDarknet
import FinchDriver
import FinchIR
import FinchReport
import Foundation

/// `finch detect`: boxes from a Darknet detector on one image.
struct Detect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Detect objects in an image with a Darknet YOLO network.",
    discussion: """
      Does what `darknet detector test` does: the image (PNG, JPEG, or a .npy [C, H, W] of values in [0, 1]) \
      is letterboxed to the network's input (resized keeping its aspect ratio, centred on grey); with the \
      cfg's input_bits each value becomes its pixel level; the network runs on the CPU backend (or the \
      interpreter); every [region] and [yolo] layer's boxes are decoded with their anchors, corrected for the \
      letterbox, kept where objectness × class score exceeds --threshold, and suppressed per class where \
      they overlap a stronger box by more than --nms (intersection over union). Prints one line per \
      detection, strongest first (class, confidence, box in pixels: left, top, right, bottom); --json prints \
      {model, image, width, height, threshold, nms, detections: [{class, label, confidence, box: {x, y, w, h} \
      relative to the image, left, top, right, bottom}]}.

      Examples:
        finch detect yolo.cfg dog.jpg
        finch detect yolo.cfg --weights trained.weights dog.png --threshold 0.25 --names voc.names --json
      """)

  @Argument(help: "The network: a Darknet .cfg with [region] or [yolo] layers.")
  var model: String

  @Argument(help: "The image: PNG, JPEG or .npy.")
  var image: String

  @OptionGroup var darknet: WeightsOption

  @Option(help: "Keep a class whose objectness × score exceeds this (0...1).")
  var threshold: Float = 0.5

  @Option(help: "Suppress a box that overlaps a stronger one of its class by more than this IoU (0 turns suppression off).")
  var nms: Float = 0.45

  @Option(help: "Class names, one per line (Darknet's .names file).")
  var names: String?

  @Option(help: "Where the network runs: \(InferenceBackend.allCases.map(\.rawValue).joined(separator: " or ")).")
  var backend: InferenceBackend = .cpu

  @Option(help: "Worker threads, at most four per core (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "Print one JSON object instead of lines.")
  var json = false

  func validate() throws {
    try Finch.validateThreads(threads)
    guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be in 0...1, not \(threshold)") }
    guard (0...1).contains(nms) else { throw ValidationError("--nms must be in 0...1, not \(nms)") }
    guard ModelFile.isDarknet(model) else { throw ValidationError("\(model): finch detect takes a Darknet .cfg network") }
  }

  /// What `--json` prints.
  struct Result: Encodable {
    var model: String
    var image: String
    var width: Int
    var height: Int
    var threshold: Float
    var nms: Float
    var detections: [Detection]
  }

  func run() throws {
    try Finch.reportingErrors {
      let network = try DarknetImporter.network(cfg: model, weights: darknet.weights)
      let detector = try DarknetDetector(network: network)
      let labels = try names.map { path in
        do {
          return try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        } catch { throw RunError.failed(path, "cannot read the class names: \(error.localizedDescription)") }
      }
      let picture = try ImageFile.load(image)
      let session = try InferenceSession(imported: network.graph, model: model, backend: backend, threads: threads, maxBatch: 1)
      if let warning = session.warning { Finch.progress("warning: \(warning)") }
      let outputs = try session.runOutputs(try detector.input(for: picture))
      let named = Dictionary(uniqueKeysWithValues: zip(network.graph.outputs, outputs))
      let found = try detector.detections(
        named, imageSize: (picture.width, picture.height), threshold: threshold, nms: nms, names: labels)
      if json {
        try JSONReport.print(
          Result(model: model, image: image, width: picture.width, height: picture.height, threshold: threshold, nms: nms, detections: found))
        return
      }
      print("\(image): \(picture.width)x\(picture.height), \(found.count) detection\(found.count == 1 ? "" : "s") above \(threshold)")
      for d in found {
        let name = d.label ?? "class \(d.classIndex)"
        print("\(name): \(String(format: "%.0f", d.confidence * 100))%  (\(d.left), \(d.top), \(d.right), \(d.bottom))")
      }
    }
  }
}
