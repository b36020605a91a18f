import FinchIR

/// An imported Darknet network: its graph, its input and its detection
/// heads (the `[region]` and `[yolo]` layers box decoding reads).
public struct DarknetNetwork: Sendable {
  /// The pixel levels of a quantized input (`input_bits`, `input_scale`):
  /// the graph takes level `k` for the image value `k · scale`.
  public struct InputLevels: Sendable, Equatable {
    /// How many levels (2^input_bits).
    public var count: Int
    public var scale: Float
  }

  public var graph: Graph
  public var heads: [DetectionHead]
  /// The input image's channels, height and width.
  public var channels: Int, height: Int, width: Int
  public var inputLevels: InputLevels?
}
