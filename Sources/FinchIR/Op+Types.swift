/// What type inference knows about one input of a node.
public struct InputInfo: Sendable {
  public var type: ValueType
  /// The value, when it is a constant.
  public var constant: Tensor?
  public init(type: ValueType, constant: Tensor? = nil) {
    self.type = type
    self.constant = constant
  }
}

extension Op {
  /// The types of the outputs of a node applying this op to inputs of the given types.
  ///
  /// Throws when the inputs do not fit the op (wrong count, rank, shape or a
  /// non-constant value where a constant is required), naming `node`.
  /// Every output shape is checked against ``Shape/maxElementCount``, so no kernel
  /// is ever asked to allocate more.
  public func outputTypes(node: String, inputs: [InputInfo?]) throws(IRError) -> [ValueType] {
    let types = try uncheckedOutputTypes(node: node, inputs: inputs)
    for t in types {
      do { _ = try Shape.validated(t.shape.dims) } catch {
        throw .invalidNode(node: node, op: typeName, reason: "output \(error.description)")
      }
    }
    return types
  }

  private func uncheckedOutputTypes(node: String, inputs: [InputInfo?]) throws(IRError) -> [ValueType] {
    func fail(_ reason: String) -> IRError { .invalidNode(node: node, op: typeName, reason: reason) }
    func input(_ i: Int, _ what: String) throws(IRError) -> InputInfo {
      guard i < inputs.count, let info = inputs[i] else { throw fail("missing input \(i) (\(what))") }
      return info
    }
    func constant(_ i: Int, _ what: String) throws(IRError) -> Tensor {
      guard let c = try input(i, what).constant else { throw fail("input \(i) (\(what)) must be a constant") }
      return c
    }
    func optionalInput(_ i: Int) -> InputInfo? { i < inputs.count ? inputs[i] : nil }
    func float(_ shape: Shape, _ dataType: DataType = .float32) -> ValueType { ValueType(shape: shape, dataType: dataType) }
    func checked(_ dims: [Int]) throws(IRError) -> Shape {
      do { return try Shape.validated(dims) } catch { throw fail(error.description) }
    }
    func broadcast(_ a: Shape, _ b: Shape) throws(IRError) -> Shape {
      guard let s = Shape.broadcast(a, b) else { throw fail("shapes \(a) and \(b) do not broadcast") }
      return try checked(s.dims)
    }
    /// Checks a quantizer parameter when it is a constant: every value finite (and non-zero for scales).
    func finiteParameter(_ i: Int, _ what: String, nonZero: Bool = false) throws(IRError) {
      guard i < inputs.count, let c = inputs[i]?.constant else { return }
      if let v = c.floats.first(where: { !$0.isFinite || (nonZero && $0 == 0) }) {
        throw fail("\(what) must be finite\(nonZero ? " and non-zero" : ""), got \(v)")
      }
    }
    /// A constant bit width: one integer in ``Quant/bitWidths``.
    func bitWidth(_ i: Int, _ what: String) throws(IRError) -> Int {
      let bits = try constant(i, what)
      guard let b = Quant.bitWidth(of: bits) else {
        throw fail("\(what) must be one integer in \(Quant.bitWidths) (Finch's limit for quantizers), got \(bits.floats.prefix(3))")
      }
      return b
    }
    /// Checks a constant zero point of a `bits`-wide quantizer: finite, magnitude at most 2^bits.
    func zeroPoint(_ i: Int, bits: Int) throws(IRError) {
      guard i < inputs.count, let c = inputs[i]?.constant else { return }
      let limit = Float(sign: .plus, exponent: bits, significand: 1)
      if let v = c.floats.first(where: { !($0.magnitude <= limit) }) {
        throw fail("zero point must be finite and within ±\(1 << bits) (2^bit width), got \(v)")
      }
    }
    func allOnes(_ t: Tensor?) -> Bool { t.map { $0.floats.allSatisfy { $0 == 1 } } ?? false }
    func allZeros(_ t: Tensor?) -> Bool { t.map { $0.floats.allSatisfy { $0 == 0 } } ?? false }
    /// The output type of an MVAU or VVAU: its accumulator's, or with thresholds (input 2) its levels'.
    func thresholdedType(_ m: MVAU, channels: Int, accumulator: DataType) throws(IRError) -> DataType {
      guard let t = optionalInput(2) else { return accumulator }
      guard t.type.shape.rank == 2, t.type.shape[0] == channels, let outType = m.outType else {
        throw fail("thresholds must be [\(channels), B] with an output type, got \(t.type.shape)")
      }
      if let v = t.constant?.floats.first(where: { !($0.isFinite && $0 == $0.rounded()) }) {
        throw fail("thresholds must be finite integers, got \(v)")
      }
      for (field, v) in [("out_scale", m.outScale), ("out_bias", m.outBias)] where Int32(exactly: v) == nil {
        throw fail("\(field) must be a 32-bit integer, got \(v)")
      }
      guard outType.holdsLevels(scale: Double(m.outScale), bias: Double(m.outBias), steps: t.type.shape[1]) else {
        throw fail("levels \(m.outScale) · k + \(m.outBias) for k in 0...\(t.type.shape[1]) are not all \(outType) values")
      }
      return outType
    }

    let x = try input(0, "x")
    switch self {
    case .quant(let q):
      let scale = try input(1, "scale"), zp = try input(2, "zero point")
      let b = try bitWidth(3, "bit width")
      try finiteParameter(1, "scale", nonZero: true)
      try zeroPoint(2, bits: b)
      _ = try broadcast(x.type.shape, try broadcast(scale.type.shape, zp.type.shape))
      var dt = DataType.float32
      if allOnes(scale.constant) && allZeros(zp.constant) {
        dt = Quant.levelType(bits: b, signed: q.signed)
      }
      return [float(try broadcast(x.type.shape, scale.type.shape), dt)]
    case .bipolarQuant:
      let scale = try input(1, "scale")
      try finiteParameter(1, "scale", nonZero: true)
      return [float(try broadcast(x.type.shape, scale.type.shape), allOnes(scale.constant) ? .bipolar : .float32)]
    case .trunc:
      // x, scale, zero point, input bit width, output scale, [output zero point,] output bit width
      guard inputs.count == 6 || inputs.count == 7 else { throw fail("needs 6 or 7 inputs, got \(inputs.count)") }
      let names = ["x", "scale", "zero point", "input bit width", "output scale"] + (inputs.count == 7 ? ["output zero point"] : [])
      for i in 1..<names.count {
        _ = try input(i, names[i])
        try finiteParameter(i, names[i], nonZero: i == 1 || i == 4)
      }
      let inputBits = try bitWidth(3, "input bit width")
      try zeroPoint(2, bits: inputBits)
      _ = try bitWidth(inputs.count - 1, "output bit width")
      return [float(x.type.shape)]
    case .multiThreshold(let mt):
      let t = try input(1, "thresholds").type.shape
      if let c = inputs[1]?.constant, c.floats.contains(where: \.isNaN) { throw fail("thresholds contain NaN") }
      guard t.rank == 2, x.type.shape.rank >= 2 else { throw fail("needs thresholds [C, B] and an input of rank >= 2") }
      let c = mt.channelsLast ? x.type.shape[-1] : x.type.shape[1]
      guard t[0] == c || t[0] == 1 else { throw fail("thresholds have \(t[0]) channels, input has \(c)") }
      for (field, v) in [("out_scale", mt.outScale), ("out_bias", mt.outBias)] where !v.isFinite {
        throw fail("\(field) must be finite, got \(v)")
      }
      return [float(x.type.shape, mt.levelsFit(steps: t[1]) ? mt.outType : .float32)]
    case .xnorPopcountMatMul:
      let w = try input(1, "weights").type.shape
      guard x.type.shape.rank == 2, w.rank == 2, x.type.shape[1] == w[0] else {
        throw fail("needs x [N, K] and weights [K, M], got \(x.type.shape) and \(w)")
      }
      return [float(try checked([x.type.shape[0], w[1]]), .smallestInteger(min: 0, max: Double(w[0])))]
    case .quantizeLinear(let ql):
      _ = try input(1, "scale")
      try finiteParameter(1, "scale", nonZero: true)
      try finiteParameter(2, "zero point")
      return [ValueType(shape: x.type.shape, dataType: ql.outType)]
    case .dequantizeLinear:
      _ = try input(1, "scale")
      try finiteParameter(1, "scale")
      try finiteParameter(2, "zero point")
      return [float(x.type.shape)]
    case .matMul:
      let a = x.type.shape, b = try input(1, "b").type.shape
      guard a.rank >= 1, b.rank >= 1 else { throw fail("MatMul needs inputs of rank >= 1") }
      let a2 = a.rank == 1 ? Shape([1] + a.dims) : a
      let b2 = b.rank == 1 ? Shape(b.dims + [1]) : b
      guard a2[-1] == b2[-2] else { throw fail("inner dimensions differ: \(a) x \(b)") }
      let batch = try broadcast(Shape(Array(a2.dims.dropLast(2))), Shape(Array(b2.dims.dropLast(2))))
      var dims = batch.dims
      if a.rank > 1 { dims.append(a2[-2]) }
      if b.rank > 1 { dims.append(b2[-1]) }
      let w = try input(1, "b")
      return [float(try checked(dims), accumulatorType(x.type.dataType, w, fanIn: a2[-1], outputs: b2[-1], columnMajor: false))]
    case .gemm(let g):
      let a = x.type.shape, b = try input(1, "b").type.shape
      guard a.rank == 2, b.rank == 2 else { throw fail("Gemm needs 2-D inputs, got \(a) and \(b)") }
      let (m, k) = g.transA ? (a[1], a[0]) : (a[0], a[1])
      let (k2, n) = g.transB ? (b[1], b[0]) : (b[0], b[1])
      guard k == k2 else { throw fail("inner dimensions differ: \(a) x \(b)") }
      if let c = optionalInput(2), Shape.broadcast(c.type.shape, [m, n]) != [m, n] {
        throw fail("bias \(c.type.shape) does not broadcast to [\(m), \(n)]")
      }
      return [float(try checked([m, n]))]
    case .conv(let c):
      let s = x.type.shape, w = try input(1, "weights").type.shape
      guard s.rank == 4, w.rank == 4 else { throw fail("only 2-D convolution (NCHW input, 4-D weights) is supported, got \(s) and \(w)") }
      try checkWindow(c.kernel, c.strides, c.pads, c.dilations, fail)
      guard w.dims.allSatisfy({ $0 >= 1 }) else { throw fail("weights \(w) are empty") }
      guard c.group >= 1, c.group <= Shape.maxElementCount, s[1] % c.group == 0, w[0] % c.group == 0, w[1] * c.group == s[1] else {
        throw fail("weights \(w) with group \(c.group) do not fit \(s[1]) input channels")
      }
      guard w[2] == c.kernel[0], w[3] == c.kernel[1] else { throw fail("kernel_shape \(c.kernel) differs from weights \(w)") }
      if let b = optionalInput(2), b.type.shape != [w[0]] { throw fail("bias \(b.type.shape) must be [\(w[0])]") }
      let (oh, ow) = try windowOutput(s, c.kernel, c.strides, c.pads, c.dilations, ceil: false, fail)
      let weights = try input(1, "weights")
      let acc = optionalInput(2) == nil
        ? accumulatorType(x.type.dataType, weights, fanIn: w.elementCount / w[0], outputs: w[0], columnMajor: true) : .float32
      return [float(try checked([s[0], w[0], oh, ow]), acc)]
    case .binary(let b):
      let y = try input(1, "b").type
      let shape = try broadcast(x.type.shape, y.shape)
      if b == .add || b == .sub, let sum = DataType.integerSum(x.type.dataType, y.dataType, subtract: b == .sub) { return [float(shape, sum)] }
      return [float(shape)]
    case .unary(let u):
      return [float(x.type.shape, u == .relu && x.type.dataType.isInteger ? x.type.dataType : .float32)]
    case .upsample(let scales):
      let s = x.type.shape
      guard scales.count == s.rank, scales.allSatisfy({ (1...64).contains($0) }) else {
        throw fail("scales \(scales) must be one whole factor in 1...64 per axis of \(s)")
      }
      return [keep(x, try checked(zip(s.dims, scales).map { $0 * $1 }))]
    case .leakyRelu(let alpha):
      guard alpha.isFinite else { throw fail("alpha must be finite, got \(alpha)") }
      return [float(x.type.shape, .float32)]
    case .clip:
      var dt = DataType.float32
      if x.type.dataType.isInteger, let lo = optionalInput(1)?.constant?.floats, let hi = optionalInput(2)?.constant?.floats,
        lo.count == 1, hi.count == 1, lo[0] == lo[0].rounded(), hi[0] == hi[0].rounded(), lo[0] <= hi[0]
      {
        dt = .smallestInteger(min: Swift.max(Double(lo[0]), x.type.dataType.min), max: Swift.min(Double(hi[0]), x.type.dataType.max))
      }
      return [ValueType(shape: x.type.shape, elementType: x.type.elementType, dataType: dt)]
    case .batchNormalization(let epsilon):
      guard x.type.shape.rank >= 2 else { throw fail("input must have a channel axis") }
      let names = ["", "scale", "bias", "mean", "variance"]
      for i in 1...4 where try input(i, names[i]).type.shape != [x.type.shape[1]] {
        throw fail("\(names[i]) must have shape [\(x.type.shape[1])], got \(inputs[i]?.type.shape ?? [])")
      }
      guard epsilon.isFinite, epsilon >= 0 else { throw fail("epsilon must be finite and non-negative, got \(epsilon)") }
      for i in 1...4 { try finiteParameter(i, names[i]) }
      if let v = inputs[4]?.constant?.floats.first(where: { !($0 + epsilon > 0) }) {
        throw fail("variance + epsilon must be positive, got variance \(v) with epsilon \(epsilon)")
      }
      return [float(x.type.shape)]
    case .softmax(let axis):
      guard x.type.shape.normalizedAxis(axis) != nil else { throw fail("axis \(axis) out of range") }
      return [float(x.type.shape)]
    case .maxPool(let p), .averagePool(let p):
      let s = x.type.shape
      guard s.rank == 4 else { throw fail("only 2-D pooling on NCHW input is supported, got \(s)") }
      try checkWindow(p.kernel, p.strides, p.pads, p.dilations, fail)
      let (oh, ow) = try windowOutput(s, p.kernel, p.strides, p.pads, p.dilations, ceil: p.ceilMode, fail)
      let keep = if case .maxPool = self { x.type.dataType } else { DataType.float32 }
      return [float(try checked([s[0], s[1], oh, ow]), keep)]
    case .globalAveragePool:
      let s = x.type.shape
      guard s.rank >= 3 else { throw fail("input must be N, C, spatial...") }
      return [float(Shape(Array(s.dims.prefix(2)) + [Int](repeating: 1, count: s.rank - 2)))]
    case .reshape(let allowZero):
      let target = try constant(1, "shape").int64s
      var dims = [Int]()
      var inferred: Int?
      for (i, v) in target.enumerated() {
        if v == -1 {
          guard inferred == nil else { throw fail("more than one -1 in shape \(target)") }
          inferred = i
          dims.append(1)
        } else if v == 0 && !allowZero {
          guard i < x.type.shape.rank else { throw fail("0 at position \(i) of shape \(target) has no input dimension to copy") }
          dims.append(x.type.shape[i])
        } else if v < 0 || v > Int64(Shape.maxElementCount) {
          throw fail("invalid dimension \(v) in shape \(target)")
        } else {
          dims.append(Int(v))
        }
      }
      var known = 1
      for d in dims {
        let (p, overflow) = known.multipliedReportingOverflow(by: d)
        guard !overflow, p <= Shape.maxElementCount else { throw fail("cannot reshape \(x.type.shape) to \(target)") }
        known = p
      }
      if let i = inferred {
        guard known > 0, x.type.shape.elementCount % known == 0 else { throw fail("cannot reshape \(x.type.shape) to \(target)") }
        dims[i] = x.type.shape.elementCount / known
        known *= dims[i]
      }
      guard known == x.type.shape.elementCount else { throw fail("cannot reshape \(x.type.shape) to \(target)") }
      return [keep(x, try checked(dims))]
    case .flatten(let axis):
      let s = x.type.shape
      guard let a = s.normalizedAxis(axis, extra: 1) else { throw fail("axis \(axis) out of range for \(s)") }
      return [keep(x, [s.dims.prefix(a).reduce(1, *), s.dims.dropFirst(a).reduce(1, *)])]
    case .transpose(let perm):
      let s = x.type.shape
      guard perm.sorted() == Array(0..<s.rank) else { throw fail("perm \(perm) is not a permutation of \(s.rank) axes") }
      return [keep(x, Shape(perm.map { s.dims[$0] }))]
    case .squeeze(let axes):
      let s = x.type.shape
      var drop = Set<Int>()
      for a in axes {
        guard let n = s.normalizedAxis(a), s[n] == 1 else { throw fail("cannot squeeze axis \(a) of \(s)") }
        drop.insert(n)
      }
      if axes.isEmpty { drop = Set(s.dims.indices.filter { s.dims[$0] == 1 }) }
      return [keep(x, Shape(s.dims.indices.filter { !drop.contains($0) }.map { s.dims[$0] }))]
    case .unsqueeze(let axes):
      let s = x.type.shape
      let rank = s.rank + axes.count
      var positions = Set<Int>()
      for a in axes {
        let n = a < 0 ? a + rank : a
        guard (0..<rank).contains(n), positions.insert(n).inserted else { throw fail("invalid axes \(axes) for \(s)") }
      }
      var dims = [Int](), it = s.dims.makeIterator()
      for i in 0..<rank { dims.append(positions.contains(i) ? 1 : it.next() ?? 1) }
      return [keep(x, Shape(dims))]
    case .concat(let axis):
      let s = x.type.shape
      guard let a = s.normalizedAxis(axis) else { throw fail("axis \(axis) out of range for \(s)") }
      var dims = s.dims
      for i in 1..<Swift.max(inputs.count, 1) {
        let o = try input(i, "input").type.shape
        guard o.rank == s.rank, (0..<s.rank).allSatisfy({ $0 == a || o[$0] == s[$0] }) else {
          throw fail("cannot concatenate \(s) and \(o) along axis \(axis)")
        }
        dims[a] += o[a]
      }
      let sameType = inputs.compactMap { $0?.type.dataType }.allSatisfy { $0 == x.type.dataType }
      return [ValueType(shape: try checked(dims), elementType: x.type.elementType, dataType: sameType ? x.type.dataType : .float32)]
    case .pad(let pads, let value):
      let s = x.type.shape
      guard pads.count == 2 * s.rank, pads.allSatisfy({ $0 >= 0 }) else { throw fail("pads \(pads) must be 2 x rank non-negative numbers") }
      let dims = s.dims.indices.map { s.dims[$0] + pads[$0] + pads[$0 + s.rank] }
      let dt = x.type.dataType.allows(Double(value)) ? x.type.dataType : .float32
      return [ValueType(shape: try checked(dims), elementType: x.type.elementType, dataType: dt)]
    case .identity:
      return [x.type]
    case .shape:
      return [ValueType(shape: [x.type.shape.rank], elementType: .int64, dataType: .int(64))]
    case .gather(let axis):
      let s = x.type.shape, idx = try input(1, "indices").type.shape
      guard let a = s.normalizedAxis(axis) else { throw fail("axis \(axis) out of range for \(s)") }
      return [keep(x, try checked(Array(s.dims[..<a]) + idx.dims + Array(s.dims[(a + 1)...])))]
    case .cast(let to):
      return [ValueType(shape: x.type.shape, elementType: to, dataType: to == .int64 ? .int(64) : x.type.dataType)]
    case .argMax(let axis, let keepDims, _):
      let s = x.type.shape
      guard let a = s.normalizedAxis(axis) else { throw fail("axis \(axis) out of range for \(s)") }
      var dims = s.dims
      if keepDims { dims[a] = 1 } else { dims.remove(at: a) }
      return [ValueType(shape: Shape(dims), elementType: .int64, dataType: .int(64))]
    case .topK(let t):
      let s = x.type.shape
      guard let a = s.normalizedAxis(t.axis) else { throw fail("axis \(t.axis) out of range for \(s)") }
      guard t.k >= 1, t.k <= s[a] else { throw fail("k = \(t.k) must be in 1...\(s[a])") }
      var dims = s.dims
      dims[a] = t.k
      return [keep(x, Shape(dims)), ValueType(shape: Shape(dims), elementType: .int64, dataType: .int(64))]
    case .mvau(let m), .vvau(let m):
      // An MVAU's weights are [MW, MH] and its input rows MW long; a VVAU's [K, C] and K·C long.
      let depthwise = self == .vvau(m)
      let s = x.type.shape, w = try input(1, "weights")
      guard let weights = w.constant, weights.shape.rank == 2, s.rank >= 1,
        s[-1] == (depthwise ? weights.shape.elementCount : weights.shape[0])
      else {
        throw fail("needs constant weights \(depthwise ? "[K, C] whose K·C elements match" : "[MW, MH] matching") input \(s), got \(w.type.shape)")
      }
      guard x.type.dataType.isInteger, weights.floats.allSatisfy({ $0.isFinite && $0 == $0.rounded() }) else {
        throw fail("inputs and weights must be integers, got \(x.type.dataType) and \(w.type.dataType)")
      }
      if m.xnor && (depthwise || x.type.dataType != .bipolar || w.type.dataType != .bipolar) {
        throw fail(depthwise ? "a VVAU has no XNOR mode" : "XNOR mode needs bipolar inputs and weights, got \(x.type.dataType) and \(w.type.dataType)")
      }
      let channels = weights.shape[1]
      var dims = s.dims
      dims[dims.count - 1] = channels
      let accumulator = accumulatorType(x.type.dataType, w, fanIn: weights.shape[0], outputs: channels, columnMajor: false)
      guard accumulator.isInteger else {
        throw fail("\(x.type.dataType) inputs times these weights need accumulators wider than 53 bits")
      }
      return [float(Shape(dims), try thresholdedType(m, channels: channels, accumulator: accumulator))]
    case .streamingConcat:
      let y = try input(1, "b").type
      let (s, o) = (x.type.shape, y.shape)
      guard s.rank >= 2, o.rank == s.rank, s.dims.dropLast() == o.dims.dropLast() else {
        throw fail("both streams must have the same shape but for the last axis, got \(s) and \(o)")
      }
      guard x.type.dataType.isInteger, x.type.dataType == y.dataType else {
        throw fail("needs two integer streams of one datatype, got \(x.type.dataType) and \(y.dataType)")
      }
      var dims = s.dims
      dims[s.rank - 1] += o[s.rank - 1]
      return [ValueType(shape: try checked(dims), elementType: x.type.elementType, dataType: x.type.dataType)]
    case .addStreams:
      let y = try input(1, "b").type
      guard x.type.shape == y.shape else { throw fail("both streams must have the same shape, got \(x.type.shape) and \(y.shape)") }
      guard let sum = DataType.integerSum(x.type.dataType, y.dataType, subtract: false) else {
        throw fail("needs integer inputs whose sums stay within ±2^24, got \(x.type.dataType) and \(y.dataType)")
      }
      return [float(x.type.shape, sum)]
    case .globalAccPool:
      let s = x.type.shape, t = x.type.dataType
      guard s.rank == 4 else { throw fail("needs NHWC input, got \(s)") }
      let pixels = Double(s[1] * s[2])
      guard t.isInteger, t != .bipolar, pixels * max(abs(t.min), abs(t.max)) <= 0x1p24 else {
        throw fail("needs integer (not BIPOLAR) inputs whose sums over \(s[1] * s[2]) pixels stay within ±2^24, got \(t)")
      }
      return [float([s[0], 1, 1, s[3]], .smallestInteger(min: pixels * t.min, max: pixels * t.max))]
    case .swu(let u):
      let s = x.type.shape
      guard s.rank == 4 else { throw fail("needs NHWC input, got \(s)") }
      try checkWindow(u.kernel, u.strides, u.pads, u.dilations, fail)
      let nchw = Shape([s[0], s[3], s[1], s[2]])
      let (oh, ow) = try windowOutput(nchw, u.kernel, u.strides, u.pads, u.dilations, ceil: false, fail)
      let pads = u.pads.contains { $0 > 0 }
      guard !pads || x.type.dataType.allows(Double(u.padValue)) else {
        throw fail("pad value \(u.padValue) is not a \(x.type.dataType) value")
      }
      return [keep(x, try checked([s[0], oh, ow, u.kernel[0] * u.kernel[1] * s[3]]))]
    case .thresholding(let m):
      var channelsLast = m
      channelsLast.channelsLast = true
      return try Op.multiThreshold(channelsLast).outputTypes(node: node, inputs: inputs)
    case .streamingMaxPool(let kernel, let strides, let pads):
      let s = x.type.shape
      guard s.rank == 4 else { throw fail("needs NHWC input, got \(s)") }
      try checkWindow(kernel, strides, pads, [1, 1], fail)
      guard Pool.windowsHoldInput(kernel: kernel, pads: pads) else {
        throw fail("pads \(pads) must each be smaller than the kernel \(kernel), so that every window holds an input value")
      }
      let (oh, ow) = try windowOutput(Shape([s[0], s[3], s[1], s[2]]), kernel, strides, pads, [1, 1], ceil: false, fail)
      return [keep(x, [s[0], oh, ow, s[3]])]
    case .labelSelect(let k):
      let s = x.type.shape
      guard s.rank >= 1, k >= 1, k <= s[-1] else { throw fail("k = \(k) must be in 1...\(s.dims.last ?? 0)") }
      var dims = s.dims
      dims[dims.count - 1] = k
      return [ValueType(shape: Shape(dims), elementType: .int64, dataType: .int(64))]
    }
  }
}

extension DataType {
  /// The integer type of `a + b` (or `a − b`) when both are integer types (not
  /// BIPOLAR) and every result is exact in float32 (within ±2^24); else nil.
  public static func integerSum(_ a: DataType, _ b: DataType, subtract: Bool) -> DataType? {
    guard a.isInteger, b.isInteger, a != .bipolar, b != .bipolar else { return nil }
    let (lo, hi) = subtract ? (a.min - b.max, a.max - b.min) : (a.min + b.min, a.max + b.max)
    guard lo >= -0x1p24, hi <= 0x1p24 else { return nil }
    return .smallestInteger(min: lo, max: hi)
  }
}

/// The integer type of a dot product's results when both operands are integers:
/// the exact range over the constant weights (per output), or the worst case
/// from the weight type. `columnMajor` weights hold one output's fan-in contiguously.
private func accumulatorType(_ x: DataType, _ w: InputInfo, fanIn: Int, outputs: Int, columnMajor: Bool) -> DataType {
  guard x.isInteger, w.type.dataType.isInteger || w.constant != nil else { return .float32 }
  var lo = 0.0, hi = 0.0
  if let c = w.constant, c.count == fanIn * outputs {
    guard let range = dotProductRange(input: x, weights: c.floats, fanIn: fanIn, outputs: outputs, columnMajor: columnMajor) else {
      return .float32
    }
    (lo, hi) = range
  } else {
    let (xmin, xmax) = (x.min, x.max)
    let t = w.type.dataType
    let products = [t.min * xmin, t.min * xmax, t.max * xmin, t.max * xmax]
    lo = Double(fanIn) * min(0, products.min() ?? 0)
    hi = Double(fanIn) * max(0, products.max() ?? 0)
  }
  guard lo >= -9.0e15, hi <= 9.0e15 else { return .float32 }
  return .smallestInteger(min: lo, max: hi)
}

private func keep(_ x: InputInfo, _ shape: Shape) -> ValueType {
  ValueType(shape: shape, elementType: x.type.elementType, dataType: x.type.dataType)
}

private func checkWindow(
  _ kernel: [Int], _ strides: [Int], _ pads: [Int], _ dilations: [Int], _ fail: (String) -> IRError
) throws(IRError) {
  guard kernel.count == 2, strides.count == 2, pads.count == 4, dilations.count == 2 else {
    throw fail("kernel, strides, dilations need 2 values and pads 4, got \(kernel), \(strides), \(dilations), \(pads)")
  }
  guard kernel.allSatisfy({ (1...1 << 16).contains($0) }), strides.allSatisfy({ (1...1 << 16).contains($0) }),
    dilations.allSatisfy({ (1...1 << 16).contains($0) }), pads.allSatisfy({ (0...1 << 16).contains($0) })
  else { throw fail("kernel \(kernel), strides \(strides), dilations \(dilations) must be positive and pads \(pads) non-negative") }
}

private func windowOutput(
  _ s: Shape, _ kernel: [Int], _ strides: [Int], _ pads: [Int], _ dilations: [Int], ceil: Bool, _ fail: (String) -> IRError
) throws(IRError) -> (Int, Int) {
  var out = [0, 0]
  for i in 0..<2 {
    let span = (kernel[i] - 1) * dilations[i] + 1
    let extent = s[2 + i] + pads[i] + pads[i + 2] - span
    guard extent >= 0 else { throw fail("window \(kernel) does not fit input \(s) with pads \(pads)") }
    out[i] = (ceil ? (extent + strides[i] - 1) / strides[i] : extent / strides[i]) + 1
    if ceil && (out[i] - 1) * strides[i] >= s[2 + i] + pads[i] { out[i] -= 1 }
  }
  return (out[0], out[1])
}
