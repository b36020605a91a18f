import FinchIR
import FinchInterpreter

/// Random small Brevitas-style QONNX networks built directly as FinchIR graphs,
/// for property tests of the compiler.
///
/// Each graph takes integer pixels (an integer ``DataType`` carried as float32,
/// like the bundled fixtures), applies an input quantizer after a positive
/// affine normalization (`Mul`, `Sub`), then 1 to 3 hidden layers — `MatMul`
/// (MLP) or unpadded `Conv` (CNN, NCHW, kernel 1–3, stride 1–2, optionally
/// followed by a 2x2 `MaxPool`) — each with quantized constant weights, an
/// optional per-channel bias `Add`, an optional `BatchNormalization` (some
/// channels with negative gamma), an optional `Relu` and an activation
/// quantizer; CNNs flatten with `Reshape [1, -1]` before their MLP head. The
/// network ends in a `MatMul` without activation, optionally followed by a
/// float `Mul`/`Add` (like Brevitas' TensorNorm). Channel counts are often odd.
///
/// With `branching`, a CNN's convolution may be followed by a residual block (as Brevitas
/// exports a ResNet block): a padded convolution — full 1x1 or 3x3, or
/// depthwise 3x3 — whose quantized output is added to the block's input
/// requantized by the same quantizer (same type and scale on both `Add`
/// inputs), then an activation quantizer on the sum; or by a concatenation
/// block: the block's input and a padded convolution of it, both quantized
/// by one quantizer, joined along channels (`Concat`, either order).
///
/// BatchNorm statistics and activation scales are calibrated by running the
/// partial network on random inputs, so activations spread over the
/// quantizers' levels rather than saturating.
///
/// Deliberately left out (each is a limit of exact integer compilation, not a
/// missing feature of the passes):
/// - Activation and input-quantizer scales are powers of two or short dyadic
///   numbers `m · 2^e` with an odd mantissa `m` of at most 8 bits (0.375,
///   0.3046875, 1.25, ...), never arbitrary floats like 0.0123. The float
///   reference rounds every `scale · level` product before the next layer's dot
///   product, so with an arbitrary scale its result is not a function of the
///   integer accumulator an MVAU computes and no integer layer can reproduce it
///   bit for bit (FINN compares such models with a tolerance). With a short
///   mantissa every product and sum is exact in float and the compiled model
///   must match exactly. Scales that only feed a quantizer's chain (the input
///   normalization, BatchNorm, biases) are arbitrary floats.
/// - The input normalization scales by a positive factor (as image
///   normalization does): a negative one makes the input quantizer decrease
///   with the pixel value, which needs a negated input stream.
/// - Quantizers have zero point 0 (Brevitas' activations do), and an unsigned
///   narrow 1-bit quantizer, whose only level is 0, is not drawn.
/// - Residual blocks: no padded convolution on bipolar activations (a bipolar
///   stream cannot carry the zero padding), no 1-bit shared quantizer (a sum of
///   bipolar values is not an adder of their encodings), and no BatchNorm with
///   negative scales after the sum (its channels would be mirrored by negating
///   a producer's weights, and an adder has none).
public enum RandomQNN {
  /// The name of the graph input.
  public static let inputName = "global_in"
  /// The name of the graph output.
  public static let outputName = "global_out"

  /// A random network, the same for the same seed. The graph is typed and
  /// verified. `branching` admits residual and concatenation blocks (the networks of a seed
  /// differ with and without it).
  public static func make(seed: UInt64, branching: Bool = false) -> Graph {
    var generator = Generator(seed: seed, branching: branching)
    return generator.build()
  }

  /// `samples` random inputs for `graph`'s single input, stacked along a new
  /// leading axis (`[N, ...]` for ``Interpreter/runBatch(_:)``): integers of the
  /// input's datatype, uniform over its range with its extremes drawn often.
  public static func inputs(for graph: Graph, samples: Int, seed: UInt64) -> Tensor {
    guard let name = graph.inputs.first, let type = graph.types[name] else {
      preconditionFailure("the graph has no typed input")
    }
    var rng = SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
    let dims = type.shape.rank >= 1 && type.shape[0] == 1 ? Array(type.shape.dims.dropFirst()) : type.shape.dims
    let shape = Shape([samples] + dims)
    let dt = type.dataType
    let lo = dt.isInteger ? Int(dt.min) : -128, hi = dt.isInteger ? Int(dt.max) : 127
    let values: [Int] = (0..<shape.elementCount).map { _ in
      if dt == .bipolar { return rng.chance(0.5) ? 1 : -1 }
      let r = rng.unit()
      if r < 0.08 { return lo }
      if r < 0.16 { return hi }
      return rng.int(lo...hi)
    }
    if type.elementType == .int64 { return Tensor(shape: shape, int64s: values.map { Int64($0) }) }
    return Tensor(shape: shape, floats: values.map { Float($0) })
  }
}

/// One random network under construction.
private struct Generator {
  var rng: SplitMix64
  var graph: Graph
  var counters: [String: Int] = [:]
  let seed: UInt64
  let branching: Bool

  init(seed: UInt64, branching: Bool) {
    self.seed = seed
    self.branching = branching
    rng = SplitMix64(seed: seed)
    graph = Graph(name: "random_qnn_\(seed)", inputs: [], outputs: [], nodes: [], initializers: [:], types: [:])
  }

  // MARK: Graph building

  /// Appends a node applying `op` to `x` and constant parameters; returns its output.
  mutating func add(_ op: Op, _ x: String?, _ params: [Tensor] = [], extraInputs: [String] = [], output: String? = nil) -> String {
    let type = op.typeName
    let n = counters[type, default: 0]
    counters[type] = n + 1
    let name = "\(type)_\(n)"
    var inputs = x.map { [$0] } ?? []
    inputs += extraInputs
    for (i, p) in params.enumerated() {
      let pname = "\(name)_param\(i)"
      graph.addConstant(pname, p)
      inputs.append(pname)
    }
    let out = output ?? "\(name)_out0"
    graph.nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [out]))
    do {
      try graph.inferTypes()
    } catch {
      fatalError("RandomQNN seed \(seed): generated an invalid node \(name): \(error)\n\(graph.text)")
    }
    return out
  }

  func shape(_ value: String) -> Shape { graph.type(of: value)!.shape }

  static func scalar(_ v: Double) -> Tensor { Tensor(scalar: Float(v)) }

  // MARK: Random parameters

  /// A scale near `target` (within a factor of two): a power of two, or a
  /// short dyadic number `m · 2^e` with an odd mantissa of 2 to 8 bits.
  mutating func scale(near target: Double, powerOfTwo: Bool) -> Float {
    let t = Swift.min(Swift.max(target.isFinite && target > 0 ? target : 1, 0x1p-20), 0x1p20)
    let e = t.exponent
    if powerOfTwo { return Float(sign: .plus, exponent: e + rng.int(0...1), significand: 1) }
    let bits = rng.int(2...8)
    var m = rng.int((1 << (bits - 1))...((1 << bits) - 1))
    if m % 2 == 0 { m += 1 }
    return Float(m) * Float(sign: .plus, exponent: e - bits + 1, significand: 1)
  }

  /// A random QONNX quantizer: its op, bit width and integer level range.
  struct Quantizer {
    var op: Op
    var bits: Int
    var lo: Double
    var hi: Double
    var bipolar: Bool { if case .bipolarQuant = op { return true } else { return false } }
  }

  mutating func quantizer(allowBipolar: Bool, signed signedProbability: Double = 0.6) -> Quantizer {
    if allowBipolar && rng.chance(0.2) { return Quantizer(op: .bipolarQuant, bits: 1, lo: -1, hi: 1) }
    let bits = rng.int(1...8)
    let signed = rng.chance(signedProbability)
    // An unsigned narrow 1-bit quantizer has the single level 0: not drawn.
    let narrow = rng.chance(0.4) && (signed || bits > 1)
    let rounding: RoundingMode = rng.chance(0.85) ? .round : rng.pick([.floor, .ceil, .halfUp, .halfDown, .up, .down])
    let q = Quant(signed: signed, narrow: narrow, rounding: rounding)
    if bits == 1 && signed { return Quantizer(op: .quant(q), bits: 1, lo: -1, hi: 1) }
    let (lo, hi) = Quant.integerRange(bits: bits, signed: signed, narrow: narrow)
    return Quantizer(op: .quant(q), bits: bits, lo: Double(lo), hi: Double(hi))
  }

  /// Appends quantizer `q` with `scale` to `x`.
  mutating func apply(_ q: Quantizer, _ x: String, scale: Float) -> String {
    if q.bipolar { return add(.bipolarQuant, x, [Tensor(scalar: scale)]) }
    return add(q.op, x, [Tensor(scalar: scale), Tensor(scalar: 0), Tensor(scalar: Float(q.bits))])
  }

  /// Quantized constant weights of `shape`: `Quant` (1 to 8 bits, scale 1) or `BipolarQuant` (scale 1).
  mutating func weights(_ shape: Shape) -> String {
    let q = quantizer(allowBipolar: true)
    let wide = q.bipolar ? (-1.0, 1.0) : (q.lo - 0.7, q.hi + 0.7)
    let values = (0..<shape.elementCount).map { _ in Float(rng.uniform(wide.0, wide.1)) }
    let w = Tensor(shape: shape, floats: values)
    if q.bipolar { return add(.bipolarQuant, nil, [w, Tensor(scalar: 1)]) }
    return add(q.op, nil, [w, Tensor(scalar: 1), Tensor(scalar: 0), Tensor(scalar: Float(q.bits))])
  }

  // MARK: Calibration

  /// Per-channel (axis 1) mean and standard deviation of `value` over random
  /// inputs, and the mean and standard deviation of all its elements.
  mutating func statistics(_ value: String) -> (mean: [Double], std: [Double], centre: Double, pooled: Double) {
    var partial = graph
    partial.outputs = [value]
    let batch = RandomQNN.inputs(for: partial, samples: 24, seed: rng.next())
    let result: Tensor
    do {
      guard let y = try Interpreter(graph: partial).runBatch(batch)[value] else { fatalError("no output") }
      result = y
    } catch {
      fatalError("RandomQNN seed \(seed): calibration run failed: \(error)\n\(graph.text)")
    }
    let s = result.shape
    let channels = s[1], inner = s.dims.dropFirst(2).reduce(1, *)
    let v = result.floats
    var sum = [Double](repeating: 0, count: channels), sq = sum
    for k in v.indices {
      let c = (k / inner) % channels
      sum[c] += Double(v[k])
      sq[c] += Double(v[k]) * Double(v[k])
    }
    let n = Double(v.count / channels)
    let mean = sum.map { $0 / n }
    let std = (0..<channels).map { (Swift.max(sq[$0] / n - mean[$0] * mean[$0], 0)).squareRoot() }
    let all = v.map(Double.init)
    let m = all.reduce(0, +) / Double(all.count)
    let pooled = (all.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(all.count)).squareRoot()
    return (mean, std, m, pooled)
  }

  // MARK: Network

  mutating func build() -> Graph {
    let cnn = rng.chance(0.5)
    let inType: DataType = rng.chance(0.6) ? .uint(8) : rng.pick([.int(8), .uint(4), .int(4)])
    var dims: [Int]
    if cnn {
      dims = [1, rng.int(1...2), rng.int(3...8), rng.int(3...8)]
    } else if rng.chance(0.3) {
      dims = [1, 1, rng.int(2...4), rng.int(2...5)]  // an image flattened by Reshape, like TFC
    } else {
      dims = [1, rng.int(1...20)]
    }
    graph.inputs = [RandomQNN.inputName]
    graph.types[RandomQNN.inputName] = ValueType(shape: Shape(dims), dataType: inType)
    var x = RandomQNN.inputName
    if !cnn && dims.count == 4 {
      x = add(.reshape(allowZero: false), x, [Tensor(shape: [2], int64s: [1, -1])])
    }
    x = inputQuantizer(x, inType)

    let hidden = rng.int(1...3)
    let convs = cnn ? rng.int(1...hidden) : 0
    for i in 0..<hidden {
      if i < convs {
        x = convLayer(x)
        if branching && !isBipolar(x) && rng.chance(0.4) { x = rng.chance(0.35) ? concatBlock(x) : residualBlock(x) }
      } else {
        if cnn && i == convs { x = add(.reshape(allowZero: false), x, [Tensor(shape: [2], int64s: [1, -1])]) }
        x = denseLayer(x)
      }
    }
    if cnn && convs == hidden { x = add(.reshape(allowZero: false), x, [Tensor(shape: [2], int64s: [1, -1])]) }

    // Classifier: MatMul without activation, then an optional float Mul/Add.
    let classes = rng.int(2...10)
    let mul = rng.chance(0.5), bias = rng.chance(0.5)
    let w = weights([shape(x)[1], classes])
    x = add(.matMul, x, extraInputs: [w], output: mul || bias ? nil : RandomQNN.outputName)
    if mul {
      let p = rng.chance(0.5) ? Tensor(scalar: Float(rng.uniform(-2, 2))) : Tensor(shape: [classes], floats: (0..<classes).map { _ in Float(rng.uniform(-2, 2)) })
      x = add(.binary(.mul), x, [p], output: bias ? nil : RandomQNN.outputName)
    }
    if bias {
      let p = rng.chance(0.5) ? Tensor(scalar: Float(rng.uniform(-3, 3))) : Tensor(shape: [classes], floats: (0..<classes).map { _ in Float(rng.uniform(-3, 3)) })
      x = add(.binary(.add), x, [p], output: RandomQNN.outputName)
    }
    graph.outputs = [x]
    do {
      try graph.inferTypes()
      try graph.verify()
    } catch {
      fatalError("RandomQNN seed \(seed): invalid graph: \(error)\n\(graph.text)")
    }
    return graph
  }

  /// Positive affine normalization of the integer pixels, then a quantizer.
  mutating func inputQuantizer(_ input: String, _ type: DataType) -> String {
    var x = input
    let q = quantizer(allowBipolar: true)
    let scaled = rng.chance(0.8)
    var a = 1.0
    if scaled {
      a = rng.pick([1.0 / 255, 0x1p-8, 0x1p-4, 0.5, 1]) * (rng.chance(0.3) ? rng.uniform(0.3, 3) : 1)
      x = add(.binary(.mul), x, [Self.scalar(a)])
    }
    let width = (type.max - type.min) * a
    let s = !scaled && rng.chance(0.3) ? 1 : scale(near: width / (q.hi - q.lo + 1) * rng.uniform(0.5, 2), powerOfTwo: rng.chance(0.4))
    if rng.chance(q.hi - q.lo <= 2 ? 0.9 : 0.6) {
      // Mean subtraction: roughly centres the pixel range on the quantizer's levels.
      let b = (type.max + type.min) / 2 * a - (q.lo + q.hi) / 2 * Double(s) + rng.uniform(-0.2, 0.2) * width
      x = add(.binary(.sub), x, [Self.scalar(b)])
    }
    return apply(q, x, scale: s)
  }

  mutating func convLayer(_ x: String) -> String {
    let s = shape(x)
    let (cin, h, w) = (s[1], s[2], s[3])
    let cout = rng.int(1...7)
    let kh = rng.int(1...Swift.min(3, h)), kw = rng.chance(0.7) ? Swift.min(kh, w) : rng.int(1...Swift.min(3, w))
    let stride = rng.chance(0.7) ? 1 : 2
    let wq = weights([cout, cin, kh, kw])
    let y = add(.conv(Conv(kernel: [kh, kw], strides: [stride, stride])), x, extraInputs: [wq])
    var out = activation(y, biasShape: [1, cout, 1, 1])
    let o = shape(out)
    if o[2] >= 2 && o[3] >= 2 && rng.chance(0.4) {
      out = add(.maxPool(Pool(kernel: [2, 2], strides: [2, 2])), out)
    }
    return out
  }

  /// Whether `x` holds a bipolar quantizer's values (through max-pools).
  func isBipolar(_ x: String) -> Bool {
    guard let node = graph.producer(of: x) else { return false }
    switch node.op {
    case .maxPool: return isBipolar(node.inputs[0])
    case .bipolarQuant: return true
    case .quant(let q): return q.signed && graph.initializers[node.inputs[3]]?.floats == [1]
    default: return false
    }
  }

  /// `x + branch(x)`, both sides quantized alike, then an activation: the
  /// branch a padded convolution, full or depthwise, keeping the shape.
  mutating func residualBlock(_ x: String) -> String {
    let c = shape(x)[1]
    let depthwise = c > 1 && rng.chance(0.4)
    let k = depthwise || rng.chance(0.6) ? 3 : 1, p = k / 2
    let wq = weights([c, depthwise ? 1 : c, k, k])
    let conv = Conv(kernel: [k, k], pads: [p, p, p, p], group: depthwise ? c : 1)
    let y = add(.conv(conv), x, extraInputs: [wq])
    let (q, s) = sharedQuantizer(covering: x, signed: 1)
    let branch = activation(y, biasShape: [1, c, 1, 1], shared: (q, s))
    let sum = add(.binary(.add), branch, extraInputs: [apply(q, x, scale: s)])
    return activation(sum, biasShape: [1, c, 1, 1], mirrored: false)
  }

  /// `Concat(x, branch(x))` along channels (either order), both quantized
  /// alike: the branch a padded convolution keeping the height and width.
  mutating func concatBlock(_ x: String) -> String {
    let c = shape(x)[1], cout = rng.int(1...5)
    let k = rng.chance(0.6) ? 3 : 1, p = k / 2
    let y = add(.conv(Conv(kernel: [k, k], pads: [p, p, p, p])), x, extraInputs: [weights([cout, c, k, k])])
    let (q, s) = sharedQuantizer(covering: x, signed: 0.5)
    let branch = activation(y, biasShape: [1, cout, 1, 1], shared: (q, s))
    let skip = apply(q, x, scale: s)
    let parts = rng.chance(0.5) ? [skip, branch] : [branch, skip]
    return add(.concat(axis: 1), parts[0], extraInputs: [parts[1]])
  }

  /// The quantizer a block's two branches share: 2 bits at least, signed
  /// with probability `signed`, its scale covering the block's input `x`.
  mutating func sharedQuantizer(covering x: String, signed: Double) -> (Quantizer, Float) {
    var q = quantizer(allowBipolar: false, signed: signed)
    while q.bits < 2 { q = quantizer(allowBipolar: false, signed: signed) }
    let spread = statistics(x)
    let reach = spread.centre.magnitude + 2 * spread.pooled
    return (q, scale(near: Swift.max(reach, 1e-3) / Swift.max(q.hi, 1) * rng.uniform(0.5, 1.5), powerOfTwo: rng.chance(0.4)))
  }

  mutating func denseLayer(_ x: String) -> String {
    let features = shape(x)[1]
    let units = rng.int(1...16)
    let wq = weights([features, units])
    let y = add(.matMul, x, extraInputs: [wq])
    return activation(y, biasShape: [units])
  }

  /// Optional bias, BatchNorm and Relu, then an activation quantizer, on the
  /// linear output `y`: a random one, or `shared` (a residual block's quantizer and scale, without Relu).
  /// `mirrored`: whether BatchNorm may have negative scales.
  mutating func activation(_ linear: String, biasShape: Shape, shared: (Quantizer, Float)? = nil, mirrored: Bool = true) -> String {
    var y = linear
    var (mean, std, centre, pooled) = statistics(y)
    let channels = mean.count
    if pooled == 0 { pooled = 1 }
    std = std.map { $0 > 0 ? $0 : pooled }
    if rng.chance(0.4) {
      let bias = (0..<channels).map { std[$0] * rng.uniform(-1, 1) }
      y = add(.binary(.add), y, [Tensor(shape: biasShape, floats: bias.map { Float($0) })])
      for c in 0..<channels { mean[c] += bias[c] }
      centre += bias.reduce(0, +) / Double(channels)
    }
    // Relu comes with an (almost always unsigned) multi-bit quantizer, as in Brevitas' QuantReLU.
    let relu = shared == nil && rng.chance(0.25)
    let q = shared?.0 ?? quantizer(allowBipolar: !relu, signed: relu ? 0.15 : 0.6)
    let levels = q.hi - q.lo
    let s: Float
    if rng.chance(0.65) {
      // BatchNorm maps each channel onto the quantizer's range, some channels mirrored.
      let policy = rng.int(0...2)
      s = shared?.1 ?? (policy == 0 ? 1 : scale(near: rng.uniform(0.02, 2), powerOfTwo: policy == 1))
      let negatives = mirrored && rng.chance(0.6)
      let eps = Float(rng.pick([1e-5, 1e-4, 1e-3]))
      var gamma = [Float](), beta = [Float](), mu = [Float](), variance = [Float]()
      for c in 0..<channels {
        let sign = negatives && rng.chance(0.4) ? -1.0 : 1.0
        gamma.append(Float(sign * Double(s) * Swift.max(levels, 1) / 4 * rng.uniform(0.5, 1.5)))
        let middle = (q.lo + q.hi) / 2
        beta.append(Float(Double(s) * (middle + rng.uniform(-0.25, 0.25) * Swift.max(levels, 1))))
        mu.append(Float(mean[c] + rng.uniform(-0.3, 0.3) * std[c]))
        variance.append(Float(Swift.max(std[c] * std[c] * rng.uniform(0.6, 1.6), 1e-3)))
      }
      y = add(.batchNormalization(epsilon: eps), y, [
        Tensor(shape: [channels], floats: gamma), Tensor(shape: [channels], floats: beta),
        Tensor(shape: [channels], floats: mu), Tensor(shape: [channels], floats: variance),
      ])
    } else {
      // Without BatchNorm the scale alone must cover the values.
      let reach = abs(centre) + 2 * pooled
      s = shared?.1 ?? scale(near: reach / Swift.max(q.hi, -q.lo, 1) * rng.uniform(0.5, 1.5), powerOfTwo: rng.chance(0.4))
    }
    if relu { y = add(.unary(.relu), y) }
    return apply(q, y, scale: s)
  }
}
