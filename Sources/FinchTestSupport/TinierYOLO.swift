import FinchIR

/// A Tinier-YOLO-class network (Xilinx QNN-MO-PYNQ's W1A3 detector) as a graph
/// with seeded random weights and thresholds, for the offload engine's cost
/// model and reference runs.
///
/// Source of the layer list: Xilinx/QNN-MO-PYNQ
/// `qnn/params/tinier-yolo-bwn-3bit-relu-nomaxpool.cfg` (Darknet cfg) and
/// `qnn/params/tinier-yolo-layers.json` (the engine's per-layer parameters);
/// `shared/research/darknet.md` and `finn.md` §7 summarize them. At 416×416×3:
///
/// | layer | op | in → out | where |
/// |---|---|---|---|
/// | conv0 | 3×3/2 pad 1, 3 → 16, BN + ReLU | 416² → 208² | CPU (float weights, 8-bit input) |
/// | conv1 + pool1 | 3×3 pad 1, 16 → 64; max 2×2/2 | 208² → 104² | engine |
/// | conv2 + pool2 | 3×3 pad 1, 64 → 64; max 2×2/2 | 104² → 52² | engine |
/// | conv3 + pool3 | 3×3 pad 1, 64 → 128; max 2×2/2 | 52² → 26² | engine |
/// | conv4 + pool4 | 3×3 pad 1, 128 → 256; max 2×2/2 | 26² → 13² | engine |
/// | conv5 + pool5 | 3×3 pad 1, 256 → 512; max 2×2/1 | 13² → 13² | engine |
/// | conv6 | 3×3 pad 1, 512 → 512 | 13² → 13² | engine |
/// | conv7 | 3×3 pad 1, 512 → 512 | 13² → 13² | engine |
/// | conv8 | 1×1, 512 → 125, linear | 13² → 13² | CPU (float weights) |
///
/// The engine layers have binary weights (here bipolar) and 3-bit unsigned
/// activations (here a `MultiThreshold` of 7 integer thresholds per channel
/// after each convolution, as streamlining leaves BN + ReLU + 3-bit quantizer).
/// conv0 and conv8 get 8-bit integer weights so that a 1-bit-weight, 3-bit
/// engine leaves them to the CPU, as the reference does; conv0 reads the 8-bit
/// pixels directly.
///
/// One difference, forced by Finch's pooling: Darknet's 2×2 stride-1 pool5
/// pads its 13×13 input at the bottom and right (`tinier-yolo-layers.json`:
/// pool5 input 14×14) and keeps 13×13; Finch's max-pool has no padding, so
/// pool5 here gives 12×12 and conv6 pads 1 at the top/left and 2 at the
/// bottom/right to come back to 13×13. Every convolution computes exactly the
/// reference's output pixels; only pool5's output (conv6's input) is 144
/// pixels rather than 169.
///
/// Thresholds are set from the weights so each channel's 3-bit levels spread
/// over its likely accumulators (centre `E[x]·Σw`, steps of `σ/2` with
/// `σ² = Var[x]·Σw²`, inputs taken as uniform over their type), rather than
/// calibrated on data.
public enum TinierYOLO {
  /// One convolution of the network, with the max-pool that follows it.
  public struct Layer: Sendable {
    public var name: String
    public var outChannels: Int
    public var kernel: Int
    public var stride: Int
    /// Top, left, bottom, right.
    public var pads: [Int]
    /// Kernel and stride of the max-pool after it, if any.
    public var pool: (kernel: Int, stride: Int)?
    /// Whether the reference ran it on the offload engine (binary weights, 3-bit activations).
    public var accelerated: Bool
  }

  /// The convolutions in order (see the table above).
  public static let layers: [Layer] = [
    Layer(name: "conv0", outChannels: 16, kernel: 3, stride: 2, pads: [1, 1, 1, 1], pool: nil, accelerated: false),
    Layer(name: "conv1", outChannels: 64, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: (2, 2), accelerated: true),
    Layer(name: "conv2", outChannels: 64, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: (2, 2), accelerated: true),
    Layer(name: "conv3", outChannels: 128, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: (2, 2), accelerated: true),
    Layer(name: "conv4", outChannels: 256, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: (2, 2), accelerated: true),
    Layer(name: "conv5", outChannels: 512, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: (2, 1), accelerated: true),
    Layer(name: "conv6", outChannels: 512, kernel: 3, stride: 1, pads: [1, 1, 2, 2], pool: nil, accelerated: true),
    Layer(name: "conv7", outChannels: 512, kernel: 3, stride: 1, pads: [1, 1, 1, 1], pool: nil, accelerated: true),
    Layer(name: "conv8", outChannels: 125, kernel: 1, stride: 1, pads: [0, 0, 0, 0], pool: nil, accelerated: false),
  ]

  /// The reference's input size.
  public static let fullImageSize = 416
  /// Bits of an accelerated layer's activations.
  public static let activationBits = 3

  /// The graph for a `imageSize`×`imageSize`×3 8-bit input (416 in the
  /// reference; any multiple of 32 from 64 keeps every layer, at smaller
  /// maps), typed and verified. Building does not run the network.
  public static func make(imageSize: Int = fullImageSize, seed: UInt64 = 1) throws -> Graph {
    precondition(imageSize >= 64 && imageSize % 32 == 0, "Tinier-YOLO needs an image size that is a multiple of 32, at least 64")
    var rng = SplitMix64(seed: seed)
    var g = Graph(
      name: "tinier_yolo_\(imageSize)", inputs: ["pixels"], outputs: [], nodes: [], initializers: [:],
      types: ["pixels": ValueType(shape: [1, 3, imageSize, imageSize], dataType: .uint(8))])
    var x = "pixels", channels = 3
    var input: DataType = .uint(8)
    for layer in layers {
      let k = layer.kernel
      let fanIn = channels * k * k
      let weightType: DataType = layer.accelerated ? .bipolar : .int(8)
      let weights = (0..<layer.outChannels * fanIn).map { _ in
        Float(layer.accelerated ? (rng.chance(0.5) ? 1 : -1) : rng.int(-127...127))
      }
      g.addConstant("\(layer.name)_w", Tensor(shape: [layer.outChannels, channels, k, k], floats: weights), dataType: weightType)
      let conv = Conv(kernel: [k, k], strides: [layer.stride, layer.stride], pads: layer.pads)
      g.nodes.append(Node(name: layer.name, op: .conv(conv), inputs: [x, "\(layer.name)_w"], outputs: ["\(layer.name)_acc"]))
      x = "\(layer.name)_acc"
      if layer.name != layers.last?.name {
        let thresholds = spreadThresholds(weights: weights, fanIn: fanIn, input: input, rng: &rng)
        g.addConstant("\(layer.name)_thresholds", Tensor(shape: [layer.outChannels, thresholds.count / layer.outChannels], floats: thresholds))
        let activation = MultiThreshold(outType: .uint(activationBits))
        g.nodes.append(Node(name: "\(layer.name)_act", op: .multiThreshold(activation), inputs: [x, "\(layer.name)_thresholds"], outputs: ["\(layer.name)_out"]))
        x = "\(layer.name)_out"
        input = .uint(activationBits)
      }
      if let pool = layer.pool {
        let name = "pool" + String(layer.name.dropFirst(4))
        let op = Op.maxPool(Pool(kernel: [pool.kernel, pool.kernel], strides: [pool.stride, pool.stride]))
        g.nodes.append(Node(name: name, op: op, inputs: [x], outputs: ["\(name)_out"]))
        x = "\(name)_out"
      }
      channels = layer.outChannels
    }
    g.outputs = [x]
    try g.inferTypes()
    try g.verify()
    return g
  }

  /// `2^A − 1` increasing integer thresholds per output channel (rows of
  /// `fanIn` weights), centred on the channel's expected accumulator for
  /// inputs uniform over `input`, `σ/2` apart, jittered by up to `σ/8`.
  static func spreadThresholds(weights: [Float], fanIn: Int, input: DataType, rng: inout SplitMix64) -> [Float] {
    let steps = (1 << activationBits) - 1
    let levels = input.max - input.min + 1
    let mean = (input.max + input.min) / 2, variance = (levels * levels - 1) / 12
    var out: [Float] = []
    out.reserveCapacity(weights.count / fanIn * steps)
    for row in stride(from: 0, to: weights.count, by: fanIn) {
      let w = weights[row..<row + fanIn].map(Double.init)
      let sum = w.reduce(0, +), squares = w.reduce(0) { $0 + $1 * $1 }
      let sigma = max((variance * squares).squareRoot(), 2)
      let centre = mean * sum + sigma * (rng.unit() - 0.5) / 4
      var previous = -Double.infinity
      for j in 0..<steps {
        let t = max((centre + sigma * (Double(j) - Double(steps - 1) / 2) / 2).rounded(), previous + 1)
        out.append(Float(t))
        previous = t
      }
    }
    return out
  }
}
