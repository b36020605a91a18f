import FinchIR

/// Builds the graph of a Darknet network section by section, keeping each
/// layer's output value and shape for the layers that refer back to it.
struct DarknetGraphBuilder {
  /// A layer's output: its value and its channels, height and width.
  struct Output {
    var value: String
    var c: Int, h: Int, w: Int
  }

  let file: String
  var graph: Graph
  /// Outputs by layer index (sections after `[net]`, from 0).
  var outputs: [Output] = []
  /// The current input (the last layer's output, or the image).
  var current: Output
  /// The network's input.
  let image: Output
  /// The `[region]` and `[yolo]` layers; their outputs are the graph's when there are any.
  var heads: [DetectionHead] = []
  /// `input_bits` and `input_scale`, when given.
  var inputLevels: DarknetNetwork.InputLevels?

  /// Training options of `[net]` that do not change inference; accepted and ignored.
  static let trainingKeys: Set<String> = [
    "batch", "subdivisions", "momentum", "decay", "angle", "saturation", "exposure", "hue", "learning_rate", "burn_in",
    "max_batches", "policy", "steps", "scales", "power", "gamma", "step", "jitter", "min_crop", "max_crop", "aspect",
    "flip", "mosaic", "letter_box", "random", "max_chart_loss", "adam", "B1", "B2", "eps", "seed", "time_steps",
    "inputs", "label_smooth_eps", "track", "augment_speed", "sequential_subdivisions", "center", "try_fix_nan",
  ]

  /// Darknet's other layer sections (parser.c), which Finch does not import yet.
  static let otherDarknetLayers: Set<String> = [
    "scale_channels", "sam", "crop", "cost", "detection", "gaussian_yolo", "local", "deconv", "deconvolutional", "activation",
    "logistic", "l2norm", "crnn", "gru", "lstm", "conv_lstm", "history", "rnn", "conn", "connected", "local_avg", "local_avgpool",
    "reorg3d", "reorg", "dropout", "lrn", "normalization", "batchnorm", "empty", "silence", "contrastive", "implicit_add", "implicit_mul",
  ]

  init(config: DarknetConfig, name: String) throws(DarknetError) {
    file = config.file
    let net = config.sections[0]
    guard net.name == "net" || net.name == "network" else {
      throw .config(file: file, line: net.line, reason: "the first section must be [net], not [\(net.name)]")
    }
    try net.checkKeys(Self.trainingKeys.union(["width", "height", "channels", "input_bits", "input_scale"]), file: file)
    let w = try net.int("width", 1...8192, file: file), h = try net.int("height", 1...8192, file: file)
    let c = try net.int("channels", 1...4096, file: file)
    guard w * h * c <= 1 << 26 else { throw .config(file: file, line: net.line, reason: "a \(c)x\(h)x\(w) input is too large (at most 2^26 values)") }
    graph = Graph(name: name, inputs: ["image"], outputs: [], nodes: [], initializers: [:], types: ["image": ValueType(shape: [1, c, h, w], dataType: .float32)])
    current = Output(value: "image", c: c, h: h, w: w)
    image = current
    if net.options["input_bits"] != nil {
      let bits = try net.int("input_bits", 1...16, file: file)
      guard let scale = try net.positive("input_scale", file: file) else {
        throw .config(file: file, line: net.options["input_bits"]!.line, reason: "input_bits needs input_scale (the value of one step)")
      }
      // The input is the pixel's level k (unsigned, `bits` wide), the image value k · scale.
      graph.types["image"]?.dataType = .uint(bits)
      inputLevels = DarknetNetwork.InputLevels(count: 1 << bits, scale: scale)
      current.value = node("input_scale", .binary(.mul), ["image", constant("input_scale_value", [], [scale])])
    } else if let option = net.options["input_scale"] {
      throw .config(file: file, line: option.line, reason: "input_scale needs input_bits")
    }
  }

  /// A constant tensor named `name`.
  mutating func constant(_ name: String, _ shape: Shape, _ values: [Float]) -> String {
    graph.initializers[name] = Tensor(shape: shape, floats: values)
    return name
  }

  /// A node `name` computing `op` of `inputs`; returns its output value.
  mutating func node(_ name: String, _ op: Op, _ inputs: [String]) -> String {
    graph.nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [name + "_out"]))
    return name + "_out"
  }

  /// `x` quantized to `bits` (QONNX Quant, round half to even) at `scale`.
  mutating func quantize(_ name: String, _ x: String, bits: Int, scale: String, signed: Bool, narrow: Bool = false) -> String {
    let zero = constant("\(name)_zero", [], [0]), width = constant("\(name)_bits", [], [Float(bits)])
    return node(name, .quant(Quant(signed: signed, narrow: narrow, rounding: .round)), [x, scale, zero, width])
  }

  /// Adds the layer of `section`, the `index`th after `[net]`.
  mutating func add(_ section: DarknetConfig.Section, index: Int, weights: inout DarknetWeights) throws(DarknetError) {
    switch section.name {
    case "convolutional", "conv": try convolutional(section, index, &weights)
    case "maxpool", "max": try maxpool(section, index)
    case "avgpool", "avg":
      try section.checkKeys([], file: file)
      current = Output(value: node("avgpool_\(index)", .globalAveragePool, [current.value]), c: current.c, h: 1, w: 1)
    case "softmax", "soft": try softmax(section, index)
    case "route": try route(section, index)
    case "shortcut": try shortcut(section, index)
    case "region": try detection(section, index, yolo: false)
    case "yolo": try detection(section, index, yolo: true)
    case "upsample":
      try section.checkKeys(["stride", "scale"], file: file)
      let stride = try section.int("stride", 1...16, default: 2, file: file)
      if let option = section.options["scale"], Float(option.value) != 1 {
        throw .unsupported(file: file, line: option.line, section: section.name, reason: "scale=\(option.value): only 1 is imported")
      }
      let value = node("upsample_\(index)", .upsample(scales: [1, 1, stride, stride]), [current.value])
      current = Output(value: value, c: current.c, h: current.h * stride, w: current.w * stride)
    case _ where Self.otherDarknetLayers.contains(section.name):
      throw .unsupported(file: file, line: section.line, section: section.name, reason: "not yet imported by Finch")
    default:
      throw .unsupported(file: file, line: section.line, section: section.name, reason: "not a Darknet layer")
    }
    outputs.append(current)
  }

  /// The network: its graph, typed and verified, whose outputs are every
  /// `[region]` and `[yolo]` layer's in order (a YOLOv3 network has
  /// several), else the last layer's; and those layers for box decoding.
  func finish() throws(DarknetError) -> DarknetNetwork {
    var g = graph
    g.outputs = heads.isEmpty ? [current.value] : heads.map(\.output)
    do {
      try g.inferTypes()
      try g.verify()
    } catch {
      throw .config(file: file, line: 1, reason: "the imported graph is inconsistent: \(error)")
    }
    return DarknetNetwork(graph: g, heads: heads, channels: image.c, height: image.h, width: image.w, inputLevels: inputLevels)
  }
}
