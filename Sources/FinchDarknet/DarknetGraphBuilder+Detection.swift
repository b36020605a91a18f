import FinchIR
import Foundation

extension DarknetGraphBuilder {
  /// Options of `[region]` that only training or box decoding read: accepted.
  static let regionKeys: Set<String> = [
    "anchors", "classes", "coords", "num", "softmax", "bias_match", "jitter", "rescore", "object_scale", "noobject_scale", "class_scale",
    "coord_scale", "absolute", "thresh", "random",
  ]
  /// Options of `[yolo]` that only training or box decoding read: accepted.
  static let yoloKeys: Set<String> = [
    "mask", "anchors", "classes", "num", "jitter", "ignore_thresh", "truth_thresh", "random", "scale_x_y", "iou_normalizer", "iou_loss",
    "cls_normalizer", "max_delta", "nms_kind", "beta_nms", "resize", "label_smooth_eps",
  ]

  /// `[region]` (YOLOv2) and `[yolo]` (YOLOv3) as Darknet's forward pass
  /// leaves their output: per anchor (`num`, or the `mask`ed ones), the box's
  /// x and y and the objectness through the logistic, w and h as they are,
  /// the class scores through a softmax over the classes (region) or the
  /// logistic (yolo). Anchors are checked here; decoding boxes is not part
  /// of the graph.
  mutating func detection(_ s: DarknetConfig.Section, _ index: Int, yolo: Bool) throws(DarknetError) {
    try s.checkKeys(yolo ? Self.yoloKeys : Self.regionKeys, file: file)
    let classes = try s.int("classes", 1...10_000, default: 20, file: file)
    let num = try s.int("num", 1...64, default: 1, file: file)
    if !yolo {
      _ = try s.int("coords", 4...4, default: 4, file: file)
      _ = try s.int("softmax", 1...1, default: 1, file: file)
    } else if let option = s.options["scale_x_y"], Float(option.value) != 1 {
      throw .unsupported(file: file, line: option.line, section: s.name, reason: "scale_x_y=\(option.value): only 1 is imported")
    }
    // Darknet's anchors default to 0.5 cells (region) or pixels (yolo).
    var anchorSizes = [Float](repeating: 0.5, count: 2 * num)
    if let option = s.options["anchors"] {
      let values = option.value.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
      guard values.count == 2 * num, values.allSatisfy({ $0.map { $0.isFinite && $0 > 0 } ?? false }) else {
        throw .config(file: file, line: option.line, reason: "anchors: expected \(2 * num) positive numbers (num=\(num) width,height pairs)")
      }
      anchorSizes = values.map { $0! }
    }
    var used = Array(0..<num)
    if yolo, s.options["mask"] != nil {
      let mask = try s.ints("mask", file: file)
      guard mask.allSatisfy({ (0..<num).contains($0) }) else {
        throw .config(file: file, line: s.options["mask"]!.line, reason: "mask: anchor indices must be in 0...\(num - 1)")
      }
      used = mask
    }
    let anchors = used.count
    let entries = 5 + classes
    guard current.c == anchors * entries else {
      throw .config(
        file: file, line: s.line,
        reason: "[\(s.name)] needs \(anchors) anchors x (5 + \(classes) classes) = \(anchors * entries) input channels, the layer before has \(current.c)")
    }
    let name = "\(s.name)_\(index)", (h, w) = (current.h, current.w)
    func shape(_ label: String, _ dims: [Int64]) -> String {
      graph.initializers["\(name)_\(label)"] = Tensor(shape: [dims.count], int64s: dims)
      return "\(name)_\(label)"
    }
    func entriesOf(_ label: String, _ range: Range<Int>, from x: String) -> String {
      graph.initializers["\(name)_\(label)_index"] = Tensor(shape: [range.count], int64s: range.map(Int64.init))
      return node("\(name)_\(label)", .gather(axis: 2), [x, "\(name)_\(label)_index"])
    }
    let split = node("\(name)_split", .reshape(allowZero: false), [current.value, shape("anchors_shape", [1, Int64(anchors), Int64(entries), Int64(h), Int64(w)])])
    let xy = node("\(name)_xy_logistic", .unary(.sigmoid), [entriesOf("xy", 0..<2, from: split)])
    let wh = entriesOf("wh", 2..<4, from: split)
    let objectness = node("\(name)_objectness_logistic", .unary(.sigmoid), [entriesOf("objectness", 4..<5, from: split)])
    let scores = entriesOf("classes", 5..<entries, from: split)
    let classScores = node(yolo ? "\(name)_classes_logistic" : "\(name)_classes_softmax", yolo ? .unary(.sigmoid) : .softmax(axis: 2), [scores])
    let joined = node("\(name)_join", .concat(axis: 2), [xy, wh, objectness, classScores])
    let output = node(name, .reshape(allowZero: false), [joined, shape("output_shape", [1, Int64(current.c), Int64(h), Int64(w)])])
    current = Output(value: output, c: current.c, h: h, w: w)
    heads.append(
      DetectionHead(
        kind: yolo ? .yolo : .region, output: output, classes: classes,
        anchors: used.map { DetectionHead.Anchor(width: anchorSizes[2 * $0], height: anchorSizes[2 * $0 + 1]) }, height: h, width: w))
  }
}
