/// The engine's register map (Docs/offload.md §3): 32-bit registers at byte
/// offsets `4·index`. `control` and `status` drive a call; the rest are
/// written before each call, in this order, from the schedule.
public enum EngineRegister: String, Sendable, Codable, CaseIterable {
  /// W: bit 0 starts a call (self-clearing).
  case control
  /// R: bit 0 busy, bit 1 done (set when a call finishes, cleared by a start).
  case status
  /// 0 conv, 1 conv followed by max-pool, 2 fully connected.
  case layerType = "layer_type"
  /// Bit 0 XNOR-popcount, 1 bipolar weights, 2 bipolar inputs, 3 signed inputs,
  /// 4 signed outputs, 5 thresholds (clear: outputs are accumulators).
  case mode
  /// Kernel height (bits 7:0) and width (15:8).
  case kernel
  /// Stride down (7:0) and across (15:8).
  case stride
  /// Padding top (7:0), left (15:8), bottom (23:16), right (31:24).
  case pads
  /// The encoding padded positions hold.
  case padValue = "pad_value"
  /// Input height (15:0) and width (31:16), padding excluded.
  case inDim = "in_dim"
  /// Convolution output height (15:0) and width (31:16), before pooling.
  case outDim = "out_dim"
  /// Input channels the engine reads per pixel (padded to SIMD).
  case inChannels = "in_channels"
  /// Memory words per input pixel record.
  case inPixelWords = "in_pixel_words"
  /// Output channels this call computes and writes as values.
  case outChannels = "out_channels"
  /// Output channels this call writes (a multiple of PE); those past `out_channels` are written as zero.
  case outChannelsPadded = "out_channels_padded"
  /// Memory words per output pixel record.
  case outPixelWords = "out_pixel_words"
  /// The word of each output record where this call's channels start.
  case outWordOffset = "out_word_offset"
  /// Pool kernel height (7:0), width (15:8), stride down (23:16), across (31:24).
  case pool
  /// Pooled output height (15:0) and width (31:16).
  case poolOutDim = "pool_out_dim"
  /// Output level `out_scale·count + out_bias`, or without thresholds `out_scale·acc + out_bias` (two's complement).
  case outScale = "out_scale"
  case outBias = "out_bias"
  /// Byte addresses (added to the runtime's base address) and lengths in memory words.
  case inputAddress = "input_address"
  case outputAddress = "output_address"
  case weightAddress = "weight_address"
  case weightWords = "weight_words"
  case thresholdAddress = "threshold_address"
  case thresholdWords = "threshold_words"
  /// Channels of a padded position that hold `pad_value`: the input's real
  /// channels; its padded channels hold 0 there too, so they add nothing.
  case padChannels = "pad_channels"

  /// Byte offset of the register.
  public var offset: Int { 4 * (Self.allCases.firstIndex(of: self) ?? 0) }

  /// The registers written before every call, in order.
  public static var perCall: [EngineRegister] { Array(allCases.dropFirst(2)) }

  /// Registers holding byte addresses, which the runtime offsets by its base address.
  public var isAddress: Bool { [.inputAddress, .outputAddress, .weightAddress, .thresholdAddress].contains(self) }

  /// `layer_type` values.
  public enum LayerType: Int, Sendable, Codable {
    case conv = 0, convPool = 1, fullyConnected = 2
  }

  /// `mode` bits.
  public struct Mode: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let xnor = Mode(rawValue: 1 << 0)
    public static let bipolarWeights = Mode(rawValue: 1 << 1)
    public static let bipolarInputs = Mode(rawValue: 1 << 2)
    public static let signedInputs = Mode(rawValue: 1 << 3)
    public static let signedOutputs = Mode(rawValue: 1 << 4)
    public static let thresholds = Mode(rawValue: 1 << 5)
  }
}
