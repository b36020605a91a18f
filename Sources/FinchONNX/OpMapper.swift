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
    "MatMul", "Gemm", "Conv", "Add", "Sub", "Mul", "Div", "Pow", "BatchNormalization", "Relu", "Sigmoid", "Tanh",
    "Clip", "Sign", "Sqrt", "Neg", "Abs", "Exp", "Reciprocal", "Floor", "Ceil", "Round", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Pad", "Identity",
    "ArgMax", "TopK", "Softmax", "Shape", "Gather", "Constant", "Cast", "QuantizeLinear", "DequantizeLinear", "Dropout",
  ]
  /// QONNX/FINN custom op types Finch imports (in a `qonnx`, `finn` or `brevitas` domain).
  static let customOps: Set<String> = ["Quant", "IntQuant", "BipolarQuant", "Trunc", "MultiThreshold", "XnorPopcountMatMul"]

  /// The domain of Finch's hardware layers (documented in Docs/ops).
  static let hardwareDomain = "finch"
  /// Finch's hardware layer op types.
  static let hardwareOps: Set<String> = ["MVAU", "SWU", "Thresholding", "StreamingMaxPool", "LabelSelect"]

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
    guard t.count <= 64 else { throw reader.fail(field, "has \(t.count) values") }
    let values = t.int64s
    guard values.allSatisfy({ (-(1 << 40)...(1 << 40)).contains($0) }) else { throw reader.fail(field, "values \(values) are out of range") }
    return values.map { Int($0) }
  }

  func map() throws(ONNXError) -> MappedOp {
    let inputs = Array(node.input)
    func op(_ o: Op, _ ins: [String]? = nil) -> MappedOp { .op(o, inputs: ins ?? inputs, extraConstants: [:]) }
    switch node.opType {
    case "Quant", "IntQuant":
      let rounding = try reader.string("rounding_mode", "ROUND").uppercased()
      guard let mode = RoundingMode(rawValue: rounding) else {
        throw reader.fail("rounding_mode", "'\(rounding)' is not one of \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return op(.quant(Quant(signed: try reader.bool("signed", true), narrow: try reader.bool("narrow", false), rounding: mode)))
    case "BipolarQuant": return op(.bipolarQuant)
    case "Trunc":
      guard inputs.count == 6 || inputs.count == 7 else {
        throw reader.fail("inputs", "Trunc needs 6 or 7 inputs (QONNX Trunc v2), got \(inputs.count)")
      }
      let rounding = try reader.string("rounding_mode", "FLOOR").uppercased()
      guard let mode = RoundingMode(rawValue: rounding) else { throw reader.fail("rounding_mode", "'\(rounding)' is not supported") }
      return op(.trunc(Trunc(signed: try reader.bool("signed", true), narrow: try reader.bool("narrow", false), rounding: mode)))
    case "MultiThreshold":
      let scale = try reader.float("out_scale", 1), bias = try reader.float("out_bias", 0)
      let layout = try reader.string("data_layout", "NCHW")
      let name = try reader.string("out_dtype", "")
      let steps = try constant(1, "thresholds").shape.dims.last ?? 0
      let outType: DataType
      if name.isEmpty {
        outType = .smallestInteger(min: 0, max: Double(steps))
      } else if let dt = DataType(finnName: name) {
        outType = dt
      } else {
        throw reader.fail("out_dtype", "'\(name)' is not a FINN datatype")
      }
      return op(.multiThreshold(MultiThreshold(outScale: scale, outBias: bias, outType: outType, channelsLast: layout.hasSuffix("C") && layout != "NC")))
    case "XnorPopcountMatMul": return op(.xnorPopcountMatMul)
    case "QuantizeLinear":
      var outType = DataType.uint(8)
      if !input(2).isEmpty, let zpType = graph.types[input(2)]?.dataType { outType = zpType }
      guard outType.isInteger, outType.bitWidth <= 32 else { throw reader.fail("y_zero_point", "type \(outType) is not an integer type Finch supports") }
      return op(.quantizeLinear(QuantizeLinear(axis: try reader.int("axis", 1), outType: outType)))
    case "DequantizeLinear": return op(.dequantizeLinear(axis: try reader.int("axis", 1)))
    case "MatMul": return op(.matMul)
    case "Gemm":
      return op(.gemm(Gemm(alpha: try reader.float("alpha", 1), beta: try reader.float("beta", 1),
                           transA: try reader.bool("transA", false), transB: try reader.bool("transB", false))))
    case "Conv":
      let w = graph.type(of: input(1))?.shape
      let kernel = try reader.ints("kernel_shape", w.map { Array($0.dims.dropFirst(2)) } ?? [])
      let strides = try reader.ints("strides", [1, 1]), dilations = try reader.ints("dilations", [1, 1])
      let pads = try windowPads(kernel: kernel, strides: strides, dilations: dilations)
      return op(.conv(Conv(kernel: kernel, strides: strides, pads: pads, dilations: dilations, group: try reader.int("group", 1))))
    case "Add", "Sub", "Mul", "Div", "Pow": return op(.binary(BinaryOp(rawValue: node.opType)!))
    case "Relu", "Sigmoid", "Tanh", "Sign", "Sqrt", "Neg", "Abs", "Exp", "Reciprocal", "Floor", "Ceil", "Round":
      return op(.unary(UnaryOp(rawValue: node.opType)!))
    case "Clip":
      if opset < 11 {
        let lo = try reader.float("min", -Float.greatestFiniteMagnitude), hi = try reader.float("max", Float.greatestFiniteMagnitude)
        let names = ["\(reader.nodeName)_min", "\(reader.nodeName)_max"]
        return .op(.clip, inputs: [input(0)] + names, extraConstants: [names[0]: Tensor(scalar: lo), names[1]: Tensor(scalar: hi)])
      }
      return op(.clip)
    case "BatchNormalization":
      guard try !reader.bool("training_mode", false) else { throw reader.fail("training_mode", "training mode is not supported") }
      guard node.output.count == 1 else { throw reader.fail("outputs", "running statistics outputs (training) are not supported") }
      return op(.batchNormalization(epsilon: try reader.float("epsilon", 1e-5)))
    case "Softmax": return op(.softmax(axis: try reader.int("axis", opset < 13 ? 1 : -1)))
    case "MaxPool", "AveragePool":
      let kernel = try reader.ints("kernel_shape")
      let strides = try reader.ints("strides", [Int](repeating: 1, count: kernel.count))
      let dilations = try reader.ints("dilations", [Int](repeating: 1, count: kernel.count))
      let pads = try windowPads(kernel: kernel, strides: strides, dilations: dilations)
      guard try reader.int("storage_order", 0) == 0 else { throw reader.fail("storage_order", "only row-major (0) is supported") }
      guard node.output.count <= 1 || node.output[1].isEmpty else { throw reader.fail("outputs", "the Indices output is not supported") }
      let pool = Pool(kernel: kernel, strides: strides, pads: pads, dilations: dilations, ceilMode: try reader.bool("ceil_mode", false),
                      countIncludePad: try reader.bool("count_include_pad", false))
      return op(node.opType == "MaxPool" ? .maxPool(pool) : .averagePool(pool), [input(0)])
    case "GlobalAveragePool": return op(.globalAveragePool)
    case "Reshape": return op(.reshape(allowZero: try reader.bool("allowzero", false)))
    case "Flatten": return op(.flatten(axis: try reader.int("axis", 1)))
    case "Transpose":
      let rank = graph.type(of: input(0))?.shape.rank ?? 0
      return op(.transpose(perm: try reader.ints("perm", Array((0..<rank).reversed()))), [input(0)])
    case "Squeeze", "Unsqueeze":
      let axes = opset >= 13 ? (input(1).isEmpty ? [] : try constantInts(1, "axes")) : try reader.ints("axes", [])
      if node.opType == "Unsqueeze" && axes.isEmpty { throw reader.fail("axes", "Unsqueeze needs axes") }
      return op(node.opType == "Squeeze" ? .squeeze(axes: axes) : .unsqueeze(axes: axes), [input(0)])
    case "Concat": return op(.concat(axis: try reader.int("axis")))
    case "Pad":
      let mode = try reader.string("mode", "constant")
      guard mode == "constant" else { throw reader.fail("mode", "only constant padding is supported, got '\(mode)'") }
      let rank = graph.type(of: input(0))?.shape.rank ?? 0
      var pads: [Int]
      var value: Float = 0
      if opset < 11 {
        pads = try reader.ints("pads")
        value = try reader.float("value", 0)
      } else {
        pads = try constantInts(1, "pads")
        if !input(2).isEmpty { value = try constant(2, "constant_value").floats.first ?? 0 }
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
      }
      guard !value.isNaN else { throw reader.fail("constant_value", "is NaN") }
      return op(.pad(pads: pads, value: value), [input(0)])
    case "Identity", "Dropout":
      guard node.output.count <= 1 || node.output[1].isEmpty else { throw reader.fail("outputs", "the Dropout mask output is not supported") }
      return op(.identity, [input(0)])
    case "ArgMax":
      return op(.argMax(axis: try reader.int("axis", 0), keepDims: try reader.bool("keepdims", true),
                        selectLastIndex: try reader.bool("select_last_index", false)))
    case "TopK":
      let k = opset >= 10 ? try constantInts(1, "K").first ?? 0 : try reader.int("k")
      return op(.topK(TopK(k: k, axis: try reader.int("axis", -1), largest: try reader.bool("largest", true),
                           sorted: try reader.bool("sorted", true))), [input(0)])
    case "Shape":
      guard !reader.has("start") && !reader.has("end") else { throw reader.fail("start", "Shape slicing is not supported") }
      return op(.shape)
    case "Gather": return op(.gather(axis: try reader.int("axis", 0)))
    case "Cast":
      let to = try reader.int("to")
      guard let element = ONNXElement(rawValue: Int32(clamping: to)), element != .bool else {
        throw reader.fail("to", "cast to element type \(to) is not supported")
      }
      return op(.cast(to: element.storage))
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
    case "MVAU":
      let xnor = try reader.bool("xnor", false)
      guard reader.has("out_dtype") else { return op(.mvau(MVAU(xnor: xnor))) }
      let name = try reader.string("out_dtype")
      guard let outType = DataType(finnName: name) else { throw reader.fail("out_dtype", "'\(name)' is not a FINN datatype") }
      return op(.mvau(MVAU(xnor: xnor, outScale: try reader.int("out_scale", 1), outBias: try reader.int("out_bias", 0), outType: outType)))
    case "SWU":
      let kernel = try reader.ints("kernel_shape")
      let swu = SWU(
        kernel: kernel, strides: try reader.ints("strides", [1, 1]), pads: try reader.ints("pads", [0, 0, 0, 0]),
        dilations: try reader.ints("dilations", [1, 1]), padValue: try reader.float("pad_value", 0))
      return op(.swu(swu))
    case "Thresholding":
      let name = try reader.string("out_dtype")
      guard let outType = DataType(finnName: name) else { throw reader.fail("out_dtype", "'\(name)' is not a FINN datatype") }
      let m = MultiThreshold(outScale: try reader.float("out_scale", 1), outBias: try reader.float("out_bias", 0), outType: outType, channelsLast: true)
      return op(.thresholding(m))
    case "StreamingMaxPool":
      let kernel = try reader.ints("kernel_shape")
      return op(.streamingMaxPool(kernel: kernel, strides: try reader.ints("strides", kernel)))
    case "LabelSelect": return op(.labelSelect(k: try reader.int("k")))
    default:
      throw reader.fail("op_type", "unsupported op")
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
