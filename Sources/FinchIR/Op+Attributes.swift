/// The value of one op attribute, in ONNX's kinds.
public enum AttributeValue: Hashable, Sendable, CustomStringConvertible {
  case int(Int)
  case float(Float)
  case ints([Int])
  case string(String)

  /// A flag, as ONNX writes one: the integer 1 or 0.
  public static func bool(_ b: Bool) -> AttributeValue { .int(b ? 1 : 0) }

  /// The value as the printed IR writes it: `3`, `0.5` (the shortest decimal that
  /// reads back to the same float), `[1,2]`, `ROUND` (a string in quotes when it
  /// holds anything but letters, digits, `_`, `<`, `>` and commas inside `<>`).
  public var description: String {
    switch self {
    case .int(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .ints(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
    case .string(let s): return IRText.isBareWord(s) ? s : IRText.quoted(s)
    }
  }
}

/// One named attribute of an op.
public struct Attribute: Hashable, Sendable {
  public var name: String
  public var value: AttributeValue
  public init(_ name: String, _ value: AttributeValue) {
    self.name = name
    self.value = value
  }

  /// The integers an attribute may hold (a bound far above any real kernel,
  /// axis or count, so that no arithmetic on them overflows).
  public static let integerRange = -(1 << 40)...(1 << 40)
  /// The most values an integer list attribute may hold.
  public static let maxListCount = 64
}

/// Where ``Op/init(typeName:attributes:)`` reads attributes from: an ONNX node, a
/// line of printed IR. A getter returns `fallback` when the attribute is absent,
/// and fails when it is absent without one, of the wrong kind, or out of range.
public protocol AttributeSource {
  associatedtype Failure: Error
  /// An integer in ``Attribute/integerRange``.
  func int(_ name: String, _ fallback: Int?) throws(Failure) -> Int
  /// A float that is not NaN.
  func float(_ name: String, _ fallback: Float?) throws(Failure) -> Float
  /// At most ``Attribute/maxListCount`` integers in ``Attribute/integerRange``.
  func ints(_ name: String, _ fallback: [Int]?) throws(Failure) -> [Int]
  func string(_ name: String, _ fallback: String?) throws(Failure) -> String
  /// Whether the attribute is present.
  func has(_ name: String) -> Bool
  /// The error for attribute (or input) `field`, with the reason in words.
  func fail(_ field: String, _ reason: String) -> Failure
}

extension AttributeSource {
  /// A flag: the integer 0 or 1.
  public func bool(_ name: String, _ fallback: Bool) throws(Failure) -> Bool {
    let v = try int(name, fallback ? 1 : 0)
    guard v == 0 || v == 1 else { throw fail(name, "must be 0 or 1, got \(v)") }
    return v == 1
  }

  func rounding(_ fallback: RoundingMode) throws(Failure) -> RoundingMode {
    let name = try string("rounding_mode", fallback.rawValue).uppercased()
    guard let mode = RoundingMode(rawValue: name) else {
      throw fail("rounding_mode", "'\(name)' is not one of \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return mode
  }

  func dataType(_ name: String) throws(Failure) -> DataType {
    let text = try string(name, nil)
    guard let t = DataType(finnName: text) else { throw fail(name, "'\(text)' is not a FINN datatype") }
    return t
  }
}

// The one table of op attributes: the printer and the ONNX exporter write
// `attributes`, the parser and the ONNX importer read `init(typeName:attributes:)`,
// under the ONNX/QONNX/FINN names. Each op appears in both, in the same order;
// OpAttributeTests checks that every op reads back what it writes.
extension Op {
  /// The op's attributes under their ONNX/QONNX/FINN names, in a fixed order
  /// (empty for ops without any). Flags that are off by default (`ceil_mode`,
  /// `count_include_pad`, `allowzero`) and a zero `pad_value` are left out.
  public var attributes: [Attribute] {
    func window(_ k: [Int], _ s: [Int], _ p: [Int], _ d: [Int]) -> [Attribute] {
      [Attribute("kernel_shape", .ints(k)), Attribute("strides", .ints(s)), Attribute("pads", .ints(p)), Attribute("dilations", .ints(d))]
    }
    func quantizer(_ signed: Bool, _ narrow: Bool, _ rounding: RoundingMode) -> [Attribute] {
      [Attribute("signed", .bool(signed)), Attribute("narrow", .bool(narrow)), Attribute("rounding_mode", .string(rounding.rawValue))]
    }
    func levels(_ type: DataType, _ scale: AttributeValue, _ bias: AttributeValue) -> [Attribute] {
      [Attribute("out_dtype", .string(type.finnName)), Attribute("out_scale", scale), Attribute("out_bias", bias)]
    }
    switch self {
    case .quant(let q): return quantizer(q.signed, q.narrow, q.rounding)
    case .trunc(let t): return quantizer(t.signed, t.narrow, t.rounding)
    case .multiThreshold(let m):
      return levels(m.outType, .float(m.outScale), .float(m.outBias)) + [Attribute("data_layout", .string(m.channelsLast ? "NHWC" : "NCHW"))]
    case .quantizeLinear(let q): return [Attribute("axis", .int(q.axis)), Attribute("out_dtype", .string(q.outType.finnName))]
    case .dequantizeLinear(let axis), .softmax(let axis), .flatten(let axis), .concat(let axis), .gather(let axis):
      return [Attribute("axis", .int(axis))]
    case .gemm(let g):
      return [Attribute("alpha", .float(g.alpha)), Attribute("beta", .float(g.beta)), Attribute("transA", .bool(g.transA)), Attribute("transB", .bool(g.transB))]
    case .conv(let c): return window(c.kernel, c.strides, c.pads, c.dilations) + [Attribute("group", .int(c.group))]
    case .batchNormalization(let epsilon): return [Attribute("epsilon", .float(epsilon))]
    case .leakyRelu(let alpha): return [Attribute("alpha", .float(alpha))]
    case .upsample(let scales): return [Attribute("scales", .ints(scales))]
    case .maxPool(let p), .averagePool(let p):
      var a = window(p.kernel, p.strides, p.pads, p.dilations)
      if p.ceilMode { a.append(Attribute("ceil_mode", .bool(true))) }
      if case .averagePool = self, p.countIncludePad { a.append(Attribute("count_include_pad", .bool(true))) }
      return a
    case .reshape(let allowZero): return allowZero ? [Attribute("allowzero", .bool(true))] : []
    case .transpose(let perm): return [Attribute("perm", .ints(perm))]
    case .squeeze(let axes), .unsqueeze(let axes): return [Attribute("axes", .ints(axes))]
    case .pad(let pads, let value): return [Attribute("pads", .ints(pads)), Attribute("value", .float(value))]
    case .cast(let to): return [Attribute("to", .string(to.rawValue))]
    case .argMax(let axis, let keepDims, let last):
      return [Attribute("axis", .int(axis)), Attribute("keepdims", .bool(keepDims)), Attribute("select_last_index", .bool(last))]
    case .topK(let t):
      return [Attribute("k", .int(t.k)), Attribute("axis", .int(t.axis)), Attribute("largest", .bool(t.largest)), Attribute("sorted", .bool(t.sorted))]
    case .mvau(let m):
      return [Attribute("xnor", .bool(m.xnor))] + (m.outType.map { levels($0, .int(m.outScale), .int(m.outBias)) } ?? [])
    case .vvau(let m): return m.outType.map { levels($0, .int(m.outScale), .int(m.outBias)) } ?? []
    case .swu(let s):
      return window(s.kernel, s.strides, s.pads, s.dilations) + (s.padValue == 0 ? [] : [Attribute("pad_value", .float(s.padValue))])
    case .thresholding(let m): return levels(m.outType, .float(m.outScale), .float(m.outBias))
    case .streamingMaxPool(let k, let s, let p):
      return [Attribute("kernel_shape", .ints(k)), Attribute("strides", .ints(s))] + (p.allSatisfy { $0 == 0 } ? [] : [Attribute("pads", .ints(p))])
    case .labelSelect(let k): return [Attribute("k", .int(k))]
    case .bipolarQuant, .xnorPopcountMatMul, .matMul, .binary, .unary, .clip, .globalAveragePool, .identity, .shape, .addStreams, .streamingConcat, .globalAccPool:
      return []
    }
  }

  /// The op of type `typeName` (as ``typeName`` spells it) with the attributes
  /// `source` holds, each absent one taking its ONNX default: the inverse of
  /// ``typeName`` and ``attributes``. Fails through `source` for an unknown op
  /// type (field `op_type`) or an attribute that is missing, malformed or invalid.
  public init<Source: AttributeSource>(typeName: String, attributes a: Source) throws(Source.Failure) {
    func window() throws(Source.Failure) -> (kernel: [Int], strides: [Int], pads: [Int], dilations: [Int]) {
      let kernel = try a.ints("kernel_shape", nil)
      let ones = [Int](repeating: 1, count: kernel.count)
      return (kernel, try a.ints("strides", ones), try a.ints("pads", [0, 0, 0, 0]), try a.ints("dilations", ones))
    }
    switch typeName {
    case "Quant":
      self = .quant(Quant(signed: try a.bool("signed", true), narrow: try a.bool("narrow", false), rounding: try a.rounding(.round)))
    case "BipolarQuant": self = .bipolarQuant
    case "Trunc":
      self = .trunc(Trunc(signed: try a.bool("signed", true), narrow: try a.bool("narrow", false), rounding: try a.rounding(.floor)))
    case "MultiThreshold":
      let layout = try a.string("data_layout", "NCHW")
      self = .multiThreshold(
        MultiThreshold(
          outScale: try a.float("out_scale", 1), outBias: try a.float("out_bias", 0), outType: try a.dataType("out_dtype"),
          channelsLast: layout.hasSuffix("C") && layout != "NC"))
    case "XnorPopcountMatMul": self = .xnorPopcountMatMul
    case "QuantizeLinear": self = .quantizeLinear(QuantizeLinear(axis: try a.int("axis", 1), outType: try a.dataType("out_dtype")))
    case "DequantizeLinear": self = .dequantizeLinear(axis: try a.int("axis", 1))
    case "MatMul": self = .matMul
    case "Gemm":
      self = .gemm(
        Gemm(alpha: try a.float("alpha", 1), beta: try a.float("beta", 1), transA: try a.bool("transA", false), transB: try a.bool("transB", false)))
    case "Conv":
      let w = try window()
      self = .conv(Conv(kernel: w.kernel, strides: w.strides, pads: w.pads, dilations: w.dilations, group: try a.int("group", 1)))
    case "Clip": self = .clip
    case "LeakyRelu": self = .leakyRelu(alpha: try a.float("alpha", 0.01))
    case "Resize": self = .upsample(scales: try a.ints("scales", nil))
    case "BatchNormalization": self = .batchNormalization(epsilon: try a.float("epsilon", 1e-5))
    case "Softmax": self = .softmax(axis: try a.int("axis", -1))
    case "MaxPool", "AveragePool":
      let w = try window()
      let pool = Pool(
        kernel: w.kernel, strides: w.strides, pads: w.pads, dilations: w.dilations, ceilMode: try a.bool("ceil_mode", false),
        countIncludePad: try a.bool("count_include_pad", false))
      self = typeName == "MaxPool" ? .maxPool(pool) : .averagePool(pool)
    case "GlobalAveragePool": self = .globalAveragePool
    case "Reshape": self = .reshape(allowZero: try a.bool("allowzero", false))
    case "Flatten": self = .flatten(axis: try a.int("axis", 1))
    case "Transpose": self = .transpose(perm: try a.ints("perm", nil))
    case "Squeeze": self = .squeeze(axes: try a.ints("axes", []))
    case "Unsqueeze":
      let axes = try a.ints("axes", [])
      guard !axes.isEmpty else { throw a.fail("axes", "Unsqueeze needs axes") }
      self = .unsqueeze(axes: axes)
    case "Concat": self = .concat(axis: try a.int("axis", nil))
    case "Pad": self = .pad(pads: try a.ints("pads", nil), value: try a.float("value", 0))
    case "Identity": self = .identity
    case "Shape": self = .shape
    case "Gather": self = .gather(axis: try a.int("axis", 0))
    case "Cast":
      let to = try a.string("to", nil)
      guard let element = ElementType(rawValue: to) else { throw a.fail("to", "cast to '\(to)' is not supported (float32 or int64)") }
      self = .cast(to: element)
    case "ArgMax":
      self = .argMax(axis: try a.int("axis", 0), keepDims: try a.bool("keepdims", true), selectLastIndex: try a.bool("select_last_index", false))
    case "TopK":
      self = .topK(TopK(k: try a.int("k", nil), axis: try a.int("axis", -1), largest: try a.bool("largest", true), sorted: try a.bool("sorted", true)))
    case "MVAU", "VVAU":
      let xnor = try a.bool("xnor", false)
      var unit = MVAU(xnor: xnor)
      if a.has("out_dtype") {
        unit = MVAU(xnor: xnor, outScale: try a.int("out_scale", 1), outBias: try a.int("out_bias", 0), outType: try a.dataType("out_dtype"))
      }
      if typeName == "MVAU" {
        self = .mvau(unit)
      } else {
        guard !xnor else { throw a.fail("xnor", "a VVAU has no XNOR mode") }
        self = .vvau(unit)
      }
    case "SWU":
      let w = try window()
      self = .swu(SWU(kernel: w.kernel, strides: w.strides, pads: w.pads, dilations: w.dilations, padValue: try a.float("pad_value", 0)))
    case "Thresholding":
      self = .thresholding(
        MultiThreshold(outScale: try a.float("out_scale", 1), outBias: try a.float("out_bias", 0), outType: try a.dataType("out_dtype"), channelsLast: true))
    case "StreamingMaxPool":
      let kernel = try a.ints("kernel_shape", nil)
      self = .streamingMaxPool(kernel: kernel, strides: try a.ints("strides", kernel), pads: try a.ints("pads", [0, 0, 0, 0]))
    case "LabelSelect": self = .labelSelect(k: try a.int("k", nil))
    case "AddStreams": self = .addStreams
    case "StreamingConcat": self = .streamingConcat
    case "GlobalAccPool": self = .globalAccPool
    default:
      if let b = BinaryOp(rawValue: typeName) {
        self = .binary(b)
      } else if let u = UnaryOp(rawValue: typeName) {
        self = .unary(u)
      } else {
        throw a.fail("op_type", "unsupported op")
      }
    }
  }
}
