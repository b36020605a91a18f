import FinchIR
import Foundation

/// A `[region]` (YOLOv2) or `[yolo]` (YOLOv3) layer as box decoding reads
/// it: which graph output holds its values, its grid, its classes and the
/// anchors of its boxes. The importer records one per head; ``decode(_:network:threshold:)``
/// turns the head's output into candidate boxes.
public struct DetectionHead: Sendable, Equatable {
  public enum Kind: String, Sendable, Codable {
    /// YOLOv2: anchors in grid cells, class scores through a softmax.
    case region
    /// YOLOv3: anchors in network-input pixels, class scores through the logistic.
    case yolo
  }

  /// One anchor box's width and height.
  public struct Anchor: Sendable, Equatable {
    public var width: Float
    public var height: Float
    public init(width: Float, height: Float) {
      self.width = width
      self.height = height
    }
  }

  public var kind: Kind
  /// The graph output holding the head's values, `[1, anchors·(5 + classes), H, W]`.
  public var output: String
  public var classes: Int
  /// The anchors of the head's boxes, in the order of its channels (a `[yolo]`
  /// layer's `mask`ed ones).
  public var anchors: [Anchor]
  /// Grid rows and columns.
  public var height: Int, width: Int

  public init(kind: Kind, output: String, classes: Int, anchors: [Anchor], height: Int, width: Int) {
    (self.kind, self.output, self.classes, self.anchors, self.height, self.width) = (kind, output, classes, anchors, height, width)
  }

  /// Darknet's candidate boxes from the head's output `values` (as the graph
  /// leaves them: x, y and objectness through the logistic, class scores
  /// through the softmax or the logistic), for a network input of
  /// `network` width and height. Box centres and sizes are relative to the
  /// network input. A class's probability is objectness × class score, kept
  /// when above `threshold` and 0 otherwise; a `[yolo]` box whose objectness is
  /// at most `threshold` is dropped, as Darknet's `get_yolo_detections` does.
  public func decode(_ values: Tensor, network: (width: Int, height: Int), threshold: Float) throws(DetectionError) -> [Candidate] {
    let entries = 5 + classes
    guard values.shape.elementCount == anchors.count * entries * height * width else {
      throw .shape("head '\(output)' holds \(values.shape) values; expected \(anchors.count)·\(entries)·\(height)·\(width)")
    }
    let v = values.floats
    let cells = height * width
    // Region anchors are in grid cells, yolo anchors in network-input pixels.
    let (scaleW, scaleH) = kind == .region ? (Float(width), Float(height)) : (Float(network.width), Float(network.height))
    var candidates: [Candidate] = []
    for (n, anchor) in anchors.enumerated() {
      for row in 0..<height {
        for column in 0..<width {
          func entry(_ e: Int) -> Float { v[(n * entries + e) * cells + row * width + column] }
          let objectness = entry(4)
          if kind == .yolo && objectness <= threshold { continue }
          let box = Box(
            x: (Float(column) + entry(0)) / Float(width), y: (Float(row) + entry(1)) / Float(height),
            w: expf(entry(2)) * anchor.width / scaleW, h: expf(entry(3)) * anchor.height / scaleH)
          let probabilities = (0..<classes).map { c -> Float in
            let p = objectness * entry(5 + c)
            return p > threshold ? p : 0
          }
          candidates.append(Candidate(box: box, objectness: objectness, probabilities: probabilities))
        }
      }
    }
    return candidates
  }
}
