import FinchIR
import FinchInterpreter

/// Rewrites an imported QONNX graph into standard ONNX (no custom-domain ops)
/// that computes the same values, for tools that do not know QONNX.
///
/// Weight quantizers (`Quant`/`BipolarQuant` whose inputs are all constants)
/// are folded with the interpreter's kernels. Activation quantizers become
/// standard ops whose float32 arithmetic reproduces the QONNX kernel:
///
/// - ``qdq(_:)``: `[Clip] -> QuantizeLinear -> DequantizeLinear`; weights become
///   an INT8/UINT8 initializer of their integer levels feeding `DequantizeLinear`.
/// - ``float(_:)``: `Div -> Add -> Clip -> Round -> Sub -> Mul` in float; weights
///   become float initializers of the quantizer's exact outputs.
public enum StandardONNX {
  /// The graph in ONNX QDQ form. Throws, naming the node, for quantizers QDQ
  /// cannot express exactly: `BipolarQuant` and 1-bit signed `Quant` (sign),
  /// rounding other than `ROUND`, more than 8 bits, non-zero or non-constant
  /// zero points, per-channel scales on quantizers narrower than 8 bits,
  /// `Trunc`, `MultiThreshold` and hardware layers.
  ///
  /// Activation quantizers narrower than the 8-bit container are clamped before
  /// `QuantizeLinear` by `Clip(x, lo·scale, hi·scale)` in float, which gives the
  /// same integer as QONNX's clamp-then-round (the bounds round back to exactly
  /// `lo`/`hi`). Results equal the QONNX kernel's, except that a `-0` the QONNX
  /// kernel may produce comes out as `+0` (QuantizeLinear adds the zero point
  /// after rounding).
  public static func qdq(_ g: Graph) throws(ONNXError) -> Graph {
    var r = Rewriter(graph: g, format: .qdq)
    return try r.run()
  }

  /// The graph with every quantizer written as plain float ONNX ops, bit for
  /// bit equal to the QONNX kernels (for finite inputs). Throws, naming the
  /// node, for rounding modes without an ONNX op (`UP`, `DOWN`, `HALF_UP`,
  /// `HALF_DOWN`), non-constant bit widths, `Trunc`, `MultiThreshold` and
  /// hardware layers.
  public static func float(_ g: Graph) throws(ONNXError) -> Graph {
    var r = Rewriter(graph: g, format: .float)
    return try r.run()
  }
}

private struct Rewriter {
  enum Format { case qdq, float }

  var graph: Graph
  let format: Format
  var taken: Set<String>
  var rewritten: [Node] = []

  init(graph: Graph, format: Format) {
    self.graph = graph
    self.format = format
    taken = Set(graph.inputs + graph.outputs + graph.initializers.keys + graph.nodes.flatMap { [$0.name] + $0.inputs + $0.outputs })
  }

  mutating func fresh(_ base: String) -> String {
    var name = base, i = 0
    while taken.contains(name) {
      i += 1
      name = "\(base)_\(i)"
    }
    taken.insert(name)
    return name
  }

  func fail(_ node: Node, _ field: String, _ reason: String) -> ONNXError {
    .invalidNode(file: graph.name, node: node.name, op: node.op.typeName, field: field, reason: reason)
  }

  var formatName: String { format == .qdq ? "QDQ" : "float ONNX" }

  mutating func run() throws(ONNXError) -> Graph {
    for node in graph.nodes {
      switch node.op {
      case .quant, .bipolarQuant:
        let constant = !node.inputs.isEmpty && node.inputs.allSatisfy { !$0.isEmpty && graph.initializers[$0] != nil }
        if constant {
          try foldWeights(node)
        } else if format == .qdq {
          try qdqActivation(node)
        } else {
          try floatActivation(node)
        }
      case .trunc, .multiThreshold, .xnorPopcountMatMul:
        throw fail(node, "op", "\(formatName) has no exact equivalent of QONNX/FINN \(node.op.typeName); export it with --format qonnx")
      default:
        if node.op.isHardwareLayer {
          throw fail(node, "op", "hardware layer \(node.op.typeName) has no standard ONNX equivalent; export the model before compiling it")
        }
        rewritten.append(node)
      }
    }
    graph.nodes = rewritten
    let used = Set(rewritten.flatMap(\.inputs)).union(graph.outputs)
    graph.initializers = graph.initializers.filter { used.contains($0.key) }
    let live = used.union(graph.inputs).union(rewritten.flatMap(\.outputs))
    graph.types = graph.types.filter { live.contains($0.key) }
    for name in rewritten.flatMap(\.outputs) where graph.initializers[name] == nil { graph.types[name] = nil }
    do throws(IRError) {
      try graph.sortTopologically()
      try graph.inferTypes()
      try graph.verify()
    } catch {
      throw .invalidGraph(file: graph.name, error)
    }
    return graph
  }

  // MARK: Helpers

  mutating func constant(_ base: String, _ t: Tensor, _ dataType: DataType? = nil) -> String {
    let name = fresh(base)
    graph.initializers[name] = t
    graph.types[name] = ValueType(
      shape: t.shape, elementType: t.elementType, dataType: dataType ?? (t.elementType == .int64 ? .int(64) : .float32))
    return name
  }

  /// Appends `op(inputs)` and returns its output (`output` when given, else a fresh value).
  mutating func emit(_ node: Node, _ suffix: String, _ op: Op, _ inputs: [String], output: String? = nil) -> String {
    let out = output ?? fresh("\(node.name)_\(suffix)_out")
    rewritten.append(Node(name: fresh("\(node.name)_\(suffix)"), op: op, inputs: inputs, outputs: [out]))
    return out
  }

  func evaluate(_ node: Node, _ op: Op, _ args: [Tensor?]) throws(ONNXError) -> Tensor {
    do { return try Semantics.evaluate(op, args)[0] } catch { throw fail(node, "inputs", error.reason) }
  }

  func constantBits(_ node: Node) throws(ONNXError) -> Int {
    guard node.inputs.count >= 4, let t = graph.initializers[node.inputs[3]] else {
      throw fail(node, "bit width", "must be a constant to write \(formatName)")
    }
    do { return try Semantics.bitWidth(t, "bit width") } catch { throw fail(node, "bit width", error.reason) }
  }

  /// A scale (or zero point) that broadcasts against a value of rank `rank`, as
  /// ONNX's per-tensor (scalar) or per-axis (1-D plus axis) form.
  func perAxis(_ node: Node, _ t: Tensor, rank: Int) throws(ONNXError) -> (Tensor, axis: Int) {
    if t.count == 1 { return (t.reshaped([]), 1) }
    let dims = t.shape.dims
    let varying = dims.indices.filter { dims[$0] != 1 }
    guard dims.count <= rank, varying.count == 1 else {
      throw fail(node, "scale", "QDQ needs a scalar scale or one that varies along a single axis, got shape \(t.shape)")
    }
    return (t.reshaped([t.count]), rank - dims.count + varying[0])
  }

  // MARK: Weights

  /// A quantizer on constant weights: folded to floats, or to integer levels feeding DequantizeLinear.
  mutating func foldWeights(_ node: Node) throws(ONNXError) {
    let args = node.inputs.map { graph.initializers[$0] }
    let out = node.outputs[0]
    guard format == .qdq else {
      let y = try evaluate(node, node.op, args)
      graph.initializers[out] = y
      graph.types[out] = ValueType(shape: y.shape)
      return
    }
    let x = args[0]!, scale = args[1]!
    var levels: Tensor
    if case .quant(let q) = node.op, args.count >= 4 {
      do { levels = try Semantics.quantLevels(x, scale: scale, zeroPoint: args[2]!, bitWidth: args[3]!, q) } catch {
        throw fail(node, "inputs", error.reason)
      }
      levels = try evaluate(node, .binary(.sub), [levels, args[2]!])
    } else {
      do {
        levels = try Semantics.quantLevels(
          x, scale: scale, zeroPoint: Tensor(scalar: 0), bitWidth: Tensor(scalar: 1), Quant(signed: true, narrow: false, rounding: .round))
      } catch { throw fail(node, "inputs", error.reason) }
    }
    let v = levels.floats
    let type: DataType
    if v.allSatisfy({ $0 == $0.rounded() && $0 >= -128 && $0 <= 127 }) {
      type = .int(8)
    } else if v.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 <= 255 }) {
      type = .uint(8)
    } else {
      throw fail(node, "weights", "integer levels (minus the zero point) do not fit 8 bits; QDQ cannot express them, use --format float")
    }
    let (s, axis) = try perAxis(node, scale, rank: levels.shape.rank)
    let ints = constant("\(node.name)_int", Tensor(shape: levels.shape, int64s: v.map { Int64($0) }), type)
    let scaleName = constant("\(node.name)_scale", s)
    _ = emit(node, "dequantize", .dequantizeLinear(axis: axis), [ints, scaleName], output: out)
  }

  // MARK: Activations, QDQ

  mutating func qdqActivation(_ node: Node) throws(ONNXError) {
    guard case .quant(let q) = node.op else {
      throw fail(node, "op", "QDQ cannot express sign() (BipolarQuant: +scale for x >= 0, -scale otherwise); use --format float")
    }
    let bits = try constantBits(node)
    guard !(bits == 1 && q.signed) else {
      throw fail(node, "bit width", "QDQ cannot express sign() (1-bit signed Quant is bipolar); use --format float")
    }
    guard q.rounding == .round else {
      throw fail(node, "rounding_mode", "QuantizeLinear rounds half to even (ROUND); \(q.rounding.rawValue) cannot be expressed, use --format float")
    }
    guard bits <= 8 else { throw fail(node, "bit width", "QDQ is limited to 8 bits here, got \(bits); use --format float") }
    guard let scale = graph.initializers[node.inputs[1]], let zp = graph.initializers[node.inputs[2]] else {
      throw fail(node, "scale", "QDQ needs a constant scale and zero point; use --format float")
    }
    guard zp.floats.allSatisfy({ $0 == 0 }) else {
      throw fail(node, "zero point", "QuantizeLinear adds the zero point after rounding, which matches QONNX only for zero point 0; use --format float")
    }
    guard scale.floats.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw fail(node, "scale", "QDQ needs positive finite scales")
    }
    guard let xType = graph.type(of: node.inputs[0]) else { throw fail(node, "x", "has no type") }
    let rank = Swift.max(xType.shape.rank, scale.shape.rank)
    let (lo, hi) = Semantics.integerRange(bits: bits, signed: q.signed, narrow: q.narrow)
    let type: DataType = q.signed ? .int(8) : .uint(8)
    let full = Double(lo) == type.min && Double(hi) == type.max
    let (s, axis) = try perAxis(node, scale, rank: rank)
    var x = node.inputs[0]
    if !full {
      guard s.count == 1 else {
        throw fail(node, "scale", "a per-channel scale needs the full 8-bit range in QDQ (Clip bounds are scalars); use --format float")
      }
      let sv = s.floats[0]
      let a = constant("\(node.name)_clip_min", Tensor(scalar: lo * sv))
      let b = constant("\(node.name)_clip_max", Tensor(scalar: hi * sv))
      x = emit(node, "clip", .clip, [x, a, b])
    }
    let scaleName = constant("\(node.name)_scale", s)
    let zpName = constant("\(node.name)_zero_point", Tensor(shape: s.shape, int64s: Array(repeating: 0, count: s.count)), type)
    let quantized = emit(node, "quantize", .quantizeLinear(QuantizeLinear(axis: axis, outType: type)), [x, scaleName, zpName])
    _ = emit(node, "dequantize", .dequantizeLinear(axis: axis), [quantized, scaleName, zpName], output: node.outputs[0])
  }

  // MARK: Activations, float

  /// `y = 2·[x >= 0] - 1` exactly: `Sign(Sign(x) + 0.5)` (Sign(±0) = 0 gives +1).
  mutating func bipolar(_ node: Node, _ x: String) -> String {
    let half = constant("\(node.name)_half", Tensor(scalar: 0.5))
    let s = emit(node, "sign", .unary(.sign), [x])
    let shifted = emit(node, "shift", .binary(.add), [s, half])
    return emit(node, "bipolar", .unary(.sign), [shifted])
  }

  mutating func floatActivation(_ node: Node) throws(ONNXError) {
    let out = node.outputs[0]
    guard case .quant(let q) = node.op else {
      // BipolarQuant: scale · (x >= 0 ? 1 : -1)
      let y = bipolar(node, node.inputs[0])
      _ = emit(node, "rescale", .binary(.mul), [y, node.inputs[1]], output: out)
      return
    }
    let bits = try constantBits(node)
    let (x, scale, zp) = (node.inputs[0], node.inputs[1], node.inputs[2])
    var v = emit(node, "div", .binary(.div), [x, scale])
    v = emit(node, "add_zero_point", .binary(.add), [v, zp])
    if bits == 1 && q.signed {
      v = bipolar(node, v)
    } else {
      let round: UnaryOp
      switch q.rounding {
      case .round: round = .round
      case .floor: round = .floor
      case .ceil: round = .ceil
      default:
        throw fail(node, "rounding_mode", "\(q.rounding.rawValue) has no standard ONNX op; only ROUND, FLOOR and CEIL can be written")
      }
      let (lo, hi) = Semantics.integerRange(bits: bits, signed: q.signed, narrow: q.narrow)
      let a = constant("\(node.name)_min", Tensor(scalar: lo))
      let b = constant("\(node.name)_max", Tensor(scalar: hi))
      v = emit(node, "clip", .clip, [v, a, b])
      v = emit(node, "round", .unary(round), [v])
    }
    v = emit(node, "sub_zero_point", .binary(.sub), [v, zp])
    _ = emit(node, "rescale", .binary(.mul), [v, scale], output: out)
  }
}
