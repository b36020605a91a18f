/// A box by its centre and size, in units of the image (or network input) it is relative to.
public struct Box: Sendable, Equatable, Codable {
  public var x: Float, y: Float, w: Float, h: Float

  public init(x: Float, y: Float, w: Float, h: Float) {
    (self.x, self.y, self.w, self.h) = (x, y, w, h)
  }

  /// Darknet's intersection over union (`box_iou`): 0 where the boxes do not overlap.
  public func iou(_ other: Box) -> Float {
    func overlap(_ a: Float, _ aw: Float, _ b: Float, _ bw: Float) -> Float {
      min(a + aw / 2, b + bw / 2) - max(a - aw / 2, b - bw / 2)
    }
    let ow = overlap(x, w, other.x, other.w), oh = overlap(y, h, other.y, other.h)
    let intersection = ow < 0 || oh < 0 ? 0 : ow * oh
    let union = w * h + other.w * other.h - intersection
    return union > 0 ? intersection / union : 0
  }
}

/// A box a head proposes, with its objectness and each class's probability
/// (0 at or below the threshold, or once suppressed).
public struct Candidate: Sendable, Equatable {
  public var box: Box
  public var objectness: Float
  public var probabilities: [Float]

  public init(box: Box, objectness: Float, probabilities: [Float]) {
    (self.box, self.objectness, self.probabilities) = (box, objectness, probabilities)
  }
}
