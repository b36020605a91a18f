import FinchIR

/// One detected object: a class whose probability passed the threshold and
/// survived non-maximum suppression, and its box on the original image.
public struct Detection: Sendable, Equatable, Codable {
  /// The class index, and its name when names were given.
  public var classIndex: Int
  public var label: String?
  /// Objectness × class score.
  public var confidence: Float
  /// Centre and size relative to the image (0…1, may pass its edges).
  public var box: Box
  /// The box in pixels of the image, clamped to it as Darknet draws it.
  public var left: Int, top: Int, right: Int, bottom: Int

  enum CodingKeys: String, CodingKey {
    case classIndex = "class", label, confidence, box, left, top, right, bottom
  }
}

/// Darknet's detector around an imported network: the letterboxed input of
/// an image, and the boxes of the network's `[region]` and `[yolo]` outputs
/// (decoded, corrected for the letterbox, thresholded, non-maxima suppressed),
/// as `darknet detector test` computes them.
public struct DarknetDetector: Sendable {
  public var network: DarknetNetwork

  public init(network: DarknetNetwork) throws(DetectionError) {
    guard !network.heads.isEmpty else { throw .shape("the network has no [region] or [yolo] layer to decode boxes from") }
    self.network = network
  }

  /// The network's input for `image`: letterboxed to the input size; with
  /// `input_bits`, each value as its pixel level (value / input_scale, rounded
  /// half to even, clamped to the level range), as the imported graph takes it.
  public func input(for image: DarknetImage) throws(DetectionError) -> Tensor {
    let n = network
    guard image.channels == n.channels else {
      throw .image("the image has \(image.channels) channels; the network takes \(n.channels)")
    }
    var values = image.letterboxed(width: n.width, height: n.height).values
    if let levels = n.inputLevels {
      let top = Float(levels.count - 1)
      values = values.map { min(max(($0 / levels.scale).rounded(.toNearestOrEven), 0), top) }
    }
    return Tensor(shape: [1, n.channels, n.height, n.width], floats: values)
  }

  /// The detections in `outputs` (the graph's outputs by name) for an image of
  /// `imageSize`: every class probability above `threshold` after suppression
  /// at `nms` (intersection over union; 0 turns it off), highest first
  /// (ties by class, then by box). `names` label the classes.
  public func detections(
    _ outputs: [String: Tensor], imageSize: (width: Int, height: Int), threshold: Float, nms: Float, names: [String]? = nil
  ) throws(DetectionError) -> [Detection] {
    var candidates: [Candidate] = []
    let net = (width: network.width, height: network.height)
    for head in network.heads {
      guard let values = outputs[head.output] else { throw .shape("the run left no value '\(head.output)'") }
      candidates += try head.decode(values, network: net, threshold: threshold)
    }
    let classes = Set(network.heads.map(\.classes))
    guard classes.count == 1 else { throw .shape("heads with different class counts \(classes.sorted()) cannot be suppressed together") }
    // Boxes relative to the letterboxed input, back to the image (Darknet's correct_*_boxes).
    let inner = DarknetImage.letterboxSize(of: imageSize, in: net)
    let (sx, sy) = (Float(inner.width) / Float(net.width), Float(inner.height) / Float(net.height))
    for i in candidates.indices {
      var b = candidates[i].box
      b.x = (b.x - Float(net.width - inner.width) / 2 / Float(net.width)) / sx
      b.y = (b.y - Float(net.height - inner.height) / 2 / Float(net.height)) / sy
      b.w /= sx
      b.h /= sy
      candidates[i].box = b
    }
    if nms > 0 { suppressNonMaxima(&candidates, threshold: nms) }
    func pixel(_ v: Float, _ size: Int) -> Int {
      let p = v * Float(size)
      return p >= 0 ? (p < Float(size - 1) ? Int(p) : size - 1) : 0  // NaN and below 0: 0
    }
    var found: [(Detection, Int)] = []
    for (index, candidate) in candidates.enumerated() {
      for (k, p) in candidate.probabilities.enumerated() where p > threshold {
        let b = candidate.box
        let detection = Detection(
          classIndex: k, label: names.flatMap { k < $0.count ? $0[k] : nil }, confidence: p, box: b,
          left: pixel(b.x - b.w / 2, imageSize.width), top: pixel(b.y - b.h / 2, imageSize.height),
          right: pixel(b.x + b.w / 2, imageSize.width), bottom: pixel(b.y + b.h / 2, imageSize.height))
        found.append((detection, index))
      }
    }
    found.sort { a, b in
      a.0.confidence != b.0.confidence ? a.0.confidence > b.0.confidence : a.0.classIndex != b.0.classIndex ? a.0.classIndex < b.0.classIndex : a.1 < b.1
    }
    return found.map(\.0)
  }
}
