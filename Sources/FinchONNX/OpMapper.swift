import FinchIR

/// What an ONNX node becomes: a typed op over (possibly rearranged) inputs,
/// with any constants it needs added, or directly a constant.
enum MappedOp {
  case op(Op, inputs: [String], extraConstants: [String: Tensor])
  case constant(Tensor, FinchIR.DataType)
}

/// Maps one ONNX node to a typed op, reading attributes and, for inputs that
/// Finch holds as attributes (axes, pads, K), their constant values.
struct OpMapper {
  let reader: AttributeReader
  let opset: Int
  let graph: Graph

  /// Standard-domain op types Finch imports.
  static let standardOps: Set<String> = [
    "MatMul", "Gemm", "Conv", "Add", "Sub", "Mul", "Div", "Pow", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Resize",
    "Clip", "Sign", "Sqrt", "Neg", "Abs", "Exp", "Reciprocal", "Floor", "Ceil", "Round", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Pad", "Identity",
    "ArgMax", "TopK", "Softmax", "Shape", "Gather", "Constant", "Cast", "QuantizeLinear", "DequantizeLinear", "Dropout",
  ]
  /// QONNX/FINN custom op types Finch imports (in a `qonnx`, `finn` or `brevitas` domain).
  static let customOps: Set<String> = ["Quant", "IntQuant", "BipolarQuant", "Trunc", "MultiThreshold", "XnorPopcountMatMul"]

  /// The domain of Finch's hardware layers (documented in Docs/ops).
  static let hardwareDomain = "finch"
  /// Finch's hardware layer op types.
  static let hardwareOps: Set<String> = [
    "MVAU", "SWU", "Thresholding", "StreamingMaxPool", "LabelSelect", "VVAU", "AddStreams", "StreamingConcat", "GlobalAccPool",
  ]

  /// Whether Finch imports `opType` in `domain`.
  static func isSupported(opType: String, domain: String) -> Bool {
    if domain.isEmpty || domain == "ai.onnx" { return standardOps.contains(opType) }
    if domain == hardwareDomain { return hardwareOps.contains(opType) }
    let custom = ["qonnx", "finn", "brevitas"].contains { domain.contains($0) }
    return custom && customOps.contains(opType)
  }

  var node: Onnx_NodeProto { reader.node }

  func input(_ i: Int) -> String { i < node.input.count ? node.input[i] : "" }

  /// The constant value of input `i`, required.
  func constant(_ i: Int, _ field: String) throws(ONNXError) -> Tensor {
    guard !input(i).isEmpty, let t = graph.initializers[input(i)] else {
      throw reader.fail(field, "input \(i) must be a constant (an initializer or computable at import)")
    }
    return t
  }

  func constantInts(_ i: Int, _ field: String) throws(ONNXError) -> [Int] {
    let t = try constant(i, field)
    guard t.count <= Attribute.maxListCount else { throw reader.fail(field, "has \(t.count) values") }
    let values = t.int64s
    guard values.allSatisfy({ Attribute.integerRange.contains(Int($0)) }) else { throw reader.fail(field, "values \(values) are out of range") }
    return values.map { Int($0) }
  }

  /// The node's op. Attributes are read through FinchIR's one attribute table
  /// (``Op/init(typeName:attributes:)``); this adds what ONNX does differently:
  /// aliases (`IntQuant`, `Dropout`), values that later opsets pass as inputs,
  /// `auto_pad`, defaults that depend on input shapes, and checks on what Finch
  /// does not support.
  func map() throws(ONNXError) -> MappedOp {
    let inputs = Array(node.input)
    func op(_ typeName: String, _ overrides: [String: AttributeValue] = [:], _ ins: [String]? = nil) throws(ONNXError) -> MappedOp {
      .op(try Op(typeName: typeName, attributes: reader.overriding(overrides)), inputs: ins ?? inputs, extraConstants: [:])
    }
    switch node.opType {
    case "IntQuant": return try op("Quant")
    case "Trunc":
      guard inputs.count == 6 || inputs.count == 7 else {
        throw reader.fail("inputs", "Trunc needs 6 or 7 inputs (QONNX Trunc v2), got \(inputs.count)")
      }
      return try op("Trunc")
    case "MultiThreshold":
      guard try reader.string("out_dtype", "").isEmpty else { return try op("MultiThreshold") }
      let steps = try constant(1, "thresholds").shape.dims.last ?? 0
      return try op("MultiThreshold", ["out_dtype": .string(DataType.smallestInteger(min: 0, max: Double(steps)).finnName)])
    case "QuantizeLinear":
      var outType = DataType.uint(8)
      if !input(2).isEmpty, let zpType = graph.types[input(2)]?.dataType { outType = zpType }
      guard outType.isInteger, outType.bitWidth <= 32 else { throw reader.fail("y_zero_point", "type \(outType) is not an integer type Finch supports") }
      return try op("QuantizeLinear", ["out_dtype": .string(outType.finnName)])
    case "Conv":
      let w = graph.type(of: input(1))?.shape
      let kernel = try reader.ints("kernel_shape", w.map { Array($0.dims.dropFirst(2)) } ?? [])
      let strides = try reader.ints("strides", [1, 1]), dilations = try reader.ints("dilations", [1, 1])
      let pads = try windowPads(kernel: kernel, strides: strides, dilations: dilations)
      return try op("Conv", ["kernel_shape": .ints(kernel), "strides": .ints(strides), "dilations": .ints(dilations), "pads": .ints(pads)])
    case "Clip":
      if opset < 11 {
        let lo = try reader.float("min", -Float.greatestFiniteMagnitude), hi = try reader.float("max", Float.greatestFiniteMagnitude)
        let names = ["\(reader.nodeName)_min", "\(reader.nodeName)_max"]
        return .op(.clip, inputs: [input(0)] + names, extraConstants: [names[0]: Tensor(scalar: lo), names[1]: Tensor(scalar: hi)])
      }
      return try op("Clip")
    case "BatchNormalization":
      guard try !reader.bool("training_mode", false) else { throw reader.fail("training_mode", "training mode is not supported") }
      guard node.output.count == 1 else { throw reader.fail("outputs", "running statistics outputs (training) are not supported") }
      return try op("BatchNormalization")
    case "Softmax": return try op("Softmax", reader.has("axis") ? [:] : ["axis": .int(opset < 13 ? 1 : -1)])
    case "MaxPool", "AveragePool":
      let kernel = try reader.ints("kernel_shape")
      let strides = try reader.ints("strides", [Int](repeating: 1, count: kernel.count))
      let dilations = try reader.ints("dilations", [Int](repeating: 1, count: kernel.count))
      let pads = try windowPads(kernel: kernel, strides: strides, dilations: dilations)
      guard try reader.int("storage_order", 0) == 0 else { throw reader.fail("storage_order", "only row-major (0) is supported") }
      guard node.output.count <= 1 || node.output[1].isEmpty else { throw reader.fail("outputs", "the Indices output is not supported") }
      return try op(node.opType, ["pads": .ints(pads)], [input(0)])
    case "Transpose":
      let rank = graph.type(of: input(0))?.shape.rank ?? 0
      return try op("Transpose", reader.has("perm") ? [:] : ["perm": .ints(Array((0..<rank).reversed()))], [input(0)])
    case "Squeeze", "Unsqueeze":
      let axes = opset >= 13 ? (input(1).isEmpty ? [] : try constantInts(1, "axes")) : try reader.ints("axes", [])
      return try op(node.opType, ["axes": .ints(axes)], [input(0)])
    case "Resize":
      // Whole-factor nearest-neighbour upsampling, in either of the forms
      // that compute it: asymmetric coordinates rounded down (PyTorch's
      // export), or half-pixel ones rounded to nearest (no ties occur).
      let mode = try reader.string("mode", "nearest"), transform = try reader.string("coordinate_transformation_mode", "half_pixel")
      let rounding = try reader.string("nearest_mode", "round_prefer_floor")
      let halfPixel = ["half_pixel", "pytorch_half_pixel"].contains(transform) && rounding.hasPrefix("round_prefer")
      guard mode == "nearest", (transform == "asymmetric" && rounding == "floor") || halfPixel else {
        throw reader.fail(
          "mode", "only nearest-neighbour upsampling by whole factors is supported (mode nearest with asymmetric coordinates and floor, "
            + "or half_pixel and round_prefer_*), got \(mode), \(transform), \(rounding)")
      }
      let shape = graph.type(of: input(0))?.shape.dims ?? []
      let scaleInput = opset < 11 ? 1 : 2
      let factors: [Float]
      if !input(scaleInput).isEmpty, let scales = graph.initializers[input(scaleInput)], scales.count > 0 {
        factors = scales.floats
      } else {
        let sizes = try constantInts(3, "sizes")
        guard sizes.count == shape.count, zip(sizes, shape).allSatisfy({ $1 > 0 && $0 % $1 == 0 }) else {
          throw reader.fail("sizes", "\(sizes) must be whole multiples of the input shape \(shape)")
        }
        factors = zip(sizes, shape).map { Float($0 / $1) }
      }
      guard factors.count == shape.count, factors.allSatisfy({ $0 >= 1 && $0 <= 64 && $0 == $0.rounded() }) else {
        throw reader.fail("scales", "\(factors) must be one whole factor in 1...64 per axis of \(shape)")
      }
      return .op(.upsample(scales: factors.map { Int($0) }), inputs: [input(0)], extraConstants: [:])
    case "Pad":
      let mode = try reader.string("mode", "constant")
      guard mode == "constant" else { throw reader.fail("mode", "only constant padding is supported, got '\(mode)'") }
      guard opset >= 11 else { return try op("Pad", [:], [input(0)]) }
      let rank = graph.type(of: input(0))?.shape.rank ?? 0
      var pads = try constantInts(1, "pads")
      let value = input(2).isEmpty ? 0 : try constant(2, "constant_value").floats.first ?? 0
      if !input(3).isEmpty {
        let axes = try constantInts(3, "axes")
        guard axes.count * 2 == pads.count else { throw reader.fail("axes", "\(axes.count) axes need \(axes.count * 2) pads") }
        var full = [Int](repeating: 0, count: 2 * rank)
        for (j, a) in axes.enumerated() {
          let ax = a < 0 ? a + rank : a
          guard (0..<rank).contains(ax) else { throw reader.fail("axes", "axis \(a) out of range") }
          full[ax] = pads[j]
          full[ax + rank] = pads[j + axes.count]
        }
        pads = full
      }
      guard !value.isNaN else { throw reader.fail("constant_value", "is NaN") }
      return try op("Pad", ["pads": .ints(pads), "value": .float(value)], [input(0)])
    case "Identity", "Dropout":
      guard node.output.count <= 1 || node.output[1].isEmpty else { throw reader.fail("outputs", "the Dropout mask output is not supported") }
      return try op("Identity", [:], [input(0)])
    case "TopK":
      guard opset >= 10 else { return try op("TopK", [:], [input(0)]) }
      return try op("TopK", ["k": .int(try constantInts(1, "K").first ?? 0)], [input(0)])
    case "Shape":
      guard !reader.has("start") && !reader.has("end") else { throw reader.fail("start", "Shape slicing is not supported") }
      return try op("Shape")
    case "Cast":
      let to = try reader.int("to")
      guard let element = ONNXElement(rawValue: Int32(clamping: to)), element != .bool else {
        throw reader.fail("to", "cast to element type \(to) is not supported")
      }
      return try op("Cast", ["to": .string(element.storage.rawValue)])
    case "Constant":
      if let (t, dt) = try reader.tensor("value") { return .constant(t, dt) }
      if reader.has("value_float") { return .constant(Tensor(scalar: try reader.float("value_float")), .float32) }
      if reader.has("value_int") { return .constant(Tensor(shape: [], int64s: [Int64(try reader.int("value_int"))]), .int(64)) }
      if reader.has("value_floats") {
        throw reader.fail("value_floats", "list constants of floats are not supported")
      }
      if reader.has("value_ints") {
        let v = try reader.ints("value_ints")
        return .constant(Tensor(shape: [v.count], int64s: v.map { Int64($0) }), .int(64))
      }
      throw reader.fail("value", "Constant has no supported value attribute")
    default:
      return try op(node.opType)
    }
  }

  /// Explicit pads for a 2-D window (from `pads` or `auto_pad`).
  func windowPads(kernel: [Int], strides: [Int], dilations: [Int]) throws(ONNXError) -> [Int] {
    guard kernel.count == 2 else {
      throw reader.fail("kernel_shape", "only 2-D windows are supported, got \(kernel)")
    }
    let autoPad = try reader.string("auto_pad", "NOTSET")
    switch autoPad {
    case "NOTSET": return try reader.ints("pads", [0, 0, 0, 0])
    case "VALID": return [0, 0, 0, 0]
    case "SAME_UPPER", "SAME_LOWER":
      guard let s = graph.type(of: input(0))?.shape, s.rank == 4, strides.count == 2, dilations.count == 2,
        strides.allSatisfy({ $0 > 0 })
      else { throw reader.fail("auto_pad", "needs a 4-D input of known shape") }
      var begin = [0, 0], end = [0, 0]
      for i in 0..<2 {
        let out = (s[2 + i] + strides[i] - 1) / strides[i]
        let total = Swift.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - s[2 + i], 0)
        begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
        end[i] = total - begin[i]
      }
      return begin + end
    default: throw reader.fail("auto_pad", "'\(autoPad)' is not supported")
    }
  }
}
