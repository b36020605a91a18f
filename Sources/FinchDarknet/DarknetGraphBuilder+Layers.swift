import FinchIR

extension DarknetGraphBuilder {
  /// `[convolutional]`: weights (binary: the sign times each filter's mean
  /// absolute weight, as Darknet's binarize_weights; `weight_bits`: a
  /// per-filter symmetric quantizer; `xnor`: binary weights and inputs
  /// `x > 0 ? 1 : −1`, as Darknet's binarize_cpu), Darknet's batch norm
  /// `(x − mean) / (√var + 1e-6) · scale + bias` or a bias, the activation
  /// (linear, relu, logistic, leaky: `x > 0 ? x : 0.1·x`),
  /// and `activation_bits` quantization.
  mutating func convolutional(_ s: DarknetConfig.Section, _ index: Int, _ weights: inout DarknetWeights) throws(DarknetError) {
    try s.checkKeys(
      ["filters", "size", "stride", "pad", "padding", "groups", "batch_normalize", "binary", "xnor", "activation", "weight_bits",
       "activation_bits", "activation_scale"], file: file)
    let n = try s.int("filters", 1...8192, file: file), size = try s.int("size", 1...15, default: 1, file: file)
    let stride = try s.int("stride", 1...16, default: 1, file: file), groups = try s.int("groups", 1...8192, default: 1, file: file)
    let pad = try s.int("pad", 0...1, default: 0, file: file) == 1 ? size / 2 : try s.int("padding", 0...15, default: 0, file: file)
    let bn = try s.int("batch_normalize", 0...1, default: 0, file: file) == 1, xnor = try s.int("xnor", 0...1, default: 0, file: file) == 1
    let binaryWeights = try s.int("binary", 0...1, default: 0, file: file) == 1
    let binary = xnor || binaryWeights
    let activation = try s.choice("activation", ["linear", "relu", "logistic", "leaky"], default: "logistic", file: file)
    let c = current.c
    guard c % groups == 0, n % groups == 0 else {
      throw .config(file: file, line: s.options["groups"]?.line ?? s.line, reason: "groups=\(groups) must divide the \(c) input channels and the \(n) filters")
    }
    let oh = (current.h + 2 * pad - size) / stride + 1, ow = (current.w + 2 * pad - size) / stride + 1
    guard current.h + 2 * pad >= size, current.w + 2 * pad >= size else {
      throw .config(file: file, line: s.line, reason: "a \(size)x\(size) kernel does not fit the \(current.h)x\(current.w) input padded by \(pad)")
    }
    let layer = "layer \(index) [convolutional]", perFilter = c / groups * size * size
    let biases = try weights.floats(n, for: "biases", layer: layer)
    var norm: (scales: [Float], mean: [Float], variance: [Float])?
    if bn {
      norm = (
        try weights.floats(n, for: "batch-norm scales", layer: layer), try weights.floats(n, for: "rolling means", layer: layer),
        try weights.floats(n, for: "rolling variances", layer: layer)
      )
    }
    var w = try weights.floats(n * perFilter, for: "weights (\(n)x\(c / groups)x\(size)x\(size))", layer: layer)
    for (what, values) in [("biases", biases), ("weights", w)] + (norm.map { [("scales", $0.scales), ("means", $0.mean), ("variances", $0.variance)] } ?? [])
    where values.contains(where: { !$0.isFinite }) {
      throw .weights(file: weights.file, reason: "\(layer): \(what) hold a value that is not finite")
    }
    if let v = norm?.variance.firstIndex(where: { $0 < 0 }) {
      throw .weights(file: weights.file, reason: "\(layer): rolling variance of filter \(v) is \(norm!.variance[v]), below 0")
    }
    let name = "conv_\(index)", wShape: Shape = [n, c / groups, size, size], perChannel: Shape = [n, 1, 1, 1]
    var weight: String
    if binary {
      guard s.options["weight_bits"] == nil else {
        throw .config(file: file, line: s.options["weight_bits"]!.line, reason: "weight_bits and \(xnor ? "xnor" : "binary")=1 both quantize the weights: give one")
      }
      // Darknet: +mean where w > 0, −mean otherwise (zero included); BipolarQuant takes 0 to +1, so zeros become −1 first.
      let means = (0..<n).map { f in w[(f * perFilter)..<((f + 1) * perFilter)].reduce(0) { $0 + abs($1) } / Float(perFilter) }
      for i in w.indices where w[i] == 0 { w[i] = -1 }
      weight = node("\(name)_binarize", .bipolarQuant, [constant("\(name)_w", wShape, w), constant("\(name)_w_mean", perChannel, means)])
    } else if s.options["weight_bits"] != nil {
      let bits = try s.int("weight_bits", 2...8, file: file), top = Float((1 << (bits - 1)) - 1)
      let scales = (0..<n).map { f in max(w[(f * perFilter)..<((f + 1) * perFilter)].map(abs).max() ?? 0, .leastNormalMagnitude) / top }
      weight = quantize("\(name)_wq", constant("\(name)_w", wShape, w), bits: bits, scale: constant("\(name)_w_scale", perChannel, scales), signed: true, narrow: true)
    } else {
      weight = constant("\(name)_w", wShape, w)
    }
    var input = current.value
    if xnor {
      // Darknet's binarize_cpu: x > 0 ? 1 : −1, one threshold at the smallest positive float. The
      // convolution then pads with 0, which BIPOLAR cannot hold: padded, the ±1 values are INT2.
      let sign = MultiThreshold(outScale: 2, outBias: -1, outType: pad > 0 ? .int(2) : .bipolar)
      input = node("\(name)_binarize_input", .multiThreshold(sign), [input, constant("\(name)_input_threshold", [1, 1], [.leastNonzeroMagnitude])])
    }
    var x = node(name, .conv(Conv(kernel: [size, size], strides: [stride, stride], pads: [pad, pad, pad, pad], group: groups)), [input, weight])
    let channel: Shape = [n]
    if let norm {
      // ONNX's (x − mean) / √(var' + 0) with var' = (√var + 1e-6)² is Darknet's divisor.
      let variance = norm.variance.map { ($0.squareRoot() + 0.000001) * ($0.squareRoot() + 0.000001) }
      x = node("bn_\(index)", .batchNormalization(epsilon: 0), [
        x, constant("bn_\(index)_scale", channel, norm.scales), constant("bn_\(index)_bias", channel, biases),
        constant("bn_\(index)_mean", channel, norm.mean), constant("bn_\(index)_var", channel, variance),
      ])
    } else {
      x = node("bias_\(index)", .binary(.add), [x, constant("bias_\(index)_b", [n, 1, 1], biases)])
    }
    switch activation {
    case "relu": x = node("relu_\(index)", .unary(.relu), [x])
    case "logistic": x = node("logistic_\(index)", .unary(.sigmoid), [x])
    case "leaky": x = node("leaky_\(index)", .leakyRelu(alpha: 0.1), [x])
    default: break
    }
    if s.options["activation_bits"] != nil || s.options["activation_scale"] != nil {
      let bits = try s.int("activation_bits", 1...16, file: file)
      guard let scale = try s.positive("activation_scale", file: file) else {
        throw .config(file: file, line: s.options["activation_bits"]!.line, reason: "activation_bits needs activation_scale (the value of one step)")
      }
      // Outputs of relu and logistic are never negative: unsigned levels.
      let signed = activation != "relu" && activation != "logistic"
      x = quantize("act_\(index)", x, bits: bits, scale: constant("act_\(index)_scale", [], [scale]), signed: signed)
    }
    current = Output(value: x, c: n, h: oh, w: ow)
  }

  /// `[maxpool]`: Darknet's window (`size`, default the stride; `stride`,
  /// default 1) and padding (`padding`, default `size − 1`, half of it
  /// before), out-of-image values never chosen.
  mutating func maxpool(_ s: DarknetConfig.Section, _ index: Int) throws(DarknetError) {
    try s.checkKeys(["size", "stride", "padding"], file: file)
    let stride = try s.int("stride", 1...16, default: 1, file: file), size = try s.int("size", 1...16, default: stride, file: file)
    let padding = try s.int("padding", 0...32, default: size - 1, file: file)
    let oh = (current.h + padding - size) / stride + 1, ow = (current.w + padding - size) / stride + 1
    guard current.h + padding >= size, current.w + padding >= size else {
      throw .config(file: file, line: s.line, reason: "a \(size)x\(size) window does not fit the \(current.h)x\(current.w) input")
    }
    let before = padding / 2
    let afterH = max((oh - 1) * stride + size - current.h - before, 0), afterW = max((ow - 1) * stride + size - current.w - before, 0)
    guard before < size, afterH < size, afterW < size else {
      throw .config(file: file, line: s.options["padding"]?.line ?? s.line, reason: "padding=\(padding) leaves windows with no input value in them")
    }
    let pool = Pool(kernel: [size, size], strides: [stride, stride], pads: [before, before, afterH, afterW])
    current = Output(value: node("maxpool_\(index)", .maxPool(pool), [current.value]), c: current.c, h: oh, w: ow)
  }

  /// `[softmax]` over all of a layer's values (Darknet's `groups=1`).
  mutating func softmax(_ s: DarknetConfig.Section, _ index: Int) throws(DarknetError) {
    try s.checkKeys(["groups", "temperature"], file: file)
    _ = try s.int("groups", 1...1, default: 1, file: file)
    if let option = s.options["temperature"], Float(option.value) != 1 {
      throw .unsupported(file: file, line: option.line, section: s.name, reason: "temperature=\(option.value): only 1 is imported")
    }
    let flat = node("flatten_\(index)", .flatten(axis: 1), [current.value])
    current = Output(value: node("softmax_\(index)", .softmax(axis: 1), [flat]), c: current.c * current.h * current.w, h: 1, w: 1)
  }

  /// The earlier layer an index of `[route]` or `[shortcut]` names
  /// (negative: relative to layer `index`).
  func earlier(_ i: Int, _ index: Int, _ s: DarknetConfig.Section, key: String) throws(DarknetError) -> Output {
    let j = i < 0 ? index + i : i
    guard j >= 0, j < index else {
      throw .config(file: file, line: s.options[key]?.line ?? s.line, reason: "\(key): layer \(i) is not an earlier layer of layer \(index)")
    }
    return outputs[j]
  }

  /// `[route]`: the named layers' outputs joined along channels.
  mutating func route(_ s: DarknetConfig.Section, _ index: Int) throws(DarknetError) {
    try s.checkKeys(["layers"], file: file)
    var sources: [Output] = []
    for i in try s.ints("layers", file: file) { sources.append(try earlier(i, index, s, key: "layers")) }
    guard let first = sources.first, sources.allSatisfy({ $0.h == first.h && $0.w == first.w }) else {
      throw .config(file: file, line: s.options["layers"]!.line, reason: "routed layers differ in height or width: \(sources.map { "\($0.h)x\($0.w)" })")
    }
    if sources.count == 1 {
      current = first
      return
    }
    let c = sources.reduce(0) { $0 + $1.c }
    current = Output(value: node("route_\(index)", .concat(axis: 1), sources.map(\.value)), c: c, h: first.h, w: first.w)
  }

  /// `[shortcut]`: the sum of the previous layer and layer `from` (same shape), linear.
  mutating func shortcut(_ s: DarknetConfig.Section, _ index: Int) throws(DarknetError) {
    try s.checkKeys(["from", "activation"], file: file)
    _ = try s.choice("activation", ["linear"], default: "linear", file: file)
    let from = try s.ints("from", file: file)
    guard from.count == 1 else { throw .config(file: file, line: s.options["from"]!.line, reason: "from: one layer, not \(from.count)") }
    let other = try earlier(from[0], index, s, key: "from")
    guard other.c == current.c, other.h == current.h, other.w == current.w else {
      throw .unsupported(
        file: file, line: s.line, section: s.name,
        reason: "adds a \(other.c)x\(other.h)x\(other.w) layer to a \(current.c)x\(current.h)x\(current.w) one: only equal shapes are imported")
    }
    current = Output(value: node("shortcut_\(index)", .binary(.add), [current.value, other.value]), c: current.c, h: current.h, w: current.w)
  }
}
