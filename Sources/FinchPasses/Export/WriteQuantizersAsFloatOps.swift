import FinchIR

/// Writes each activation `Quant`/`BipolarQuant` as plain float ONNX ops,
/// bit for bit equal to the QONNX kernels for finite inputs:
/// `Div -> Add -> Clip -> Round|Floor|Ceil -> Sub -> Mul`, and for sign
/// quantizers `Sign(Sign(x) + 0.5)` scaled. Refuses, naming the node, rounding
/// modes without an ONNX op (`UP`, `DOWN`, `HALF_UP`, `HALF_DOWN`) and
/// non-constant bit widths.
public struct WriteQuantizersAsFloatOps: Pass {
  public let name = "write-quantizers-as-float-ops"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    try NodeExpansion.expandAll(in: &graph, pass: name, where: { node, _ in node.isQuantOrBipolarQuant }) { e, g throws(PassError) in
      try write(&e, in: &g)
    }
  }

  /// `y = 2·[x >= 0] - 1` exactly: `Sign(Sign(x) + 0.5)` (Sign(±0) = 0 gives +1).
  private func bipolar(_ x: String, _ e: inout NodeExpansion, in graph: inout Graph) -> String {
    let half = e.constant("half", Tensor(scalar: 0.5), in: &graph)
    let s = e.emit("sign", .unary(.sign), [x], in: &graph)
    let shifted = e.emit("shift", .binary(.add), [s, half], in: &graph)
    return e.emit("bipolar", .unary(.sign), [shifted], in: &graph)
  }

  private func write(_ e: inout NodeExpansion, in graph: inout Graph) throws(PassError) {
    let node = e.node
    let out = node.outputs[0]
    guard case .quant(let q) = node.op else {
      // BipolarQuant: scale · (x >= 0 ? 1 : -1)
      let y = bipolar(node.inputs[0], &e, in: &graph)
      _ = e.emit("rescale", .binary(.mul), [y, node.inputs[1]], output: out, in: &graph)
      return
    }
    let bits = try e.constantBitWidth(in: graph, format: "float ONNX")
    let (x, scale, zp) = (node.inputs[0], node.inputs[1], node.inputs[2])
    var v = e.emit("div", .binary(.div), [x, scale], in: &graph)
    v = e.emit("add_zero_point", .binary(.add), [v, zp], in: &graph)
    if bits == 1 && q.signed {
      v = bipolar(v, &e, in: &graph)
    } else {
      let round: UnaryOp
      switch q.rounding {
      case .round: round = .round
      case .floor: round = .floor
      case .ceil: round = .ceil
      default:
        throw e.fail("rounding_mode", "\(q.rounding.rawValue) has no standard ONNX op; only ROUND, FLOOR and CEIL can be written")
      }
      let (lo, hi) = Quant.integerRange(bits: bits, signed: q.signed, narrow: q.narrow)
      let a = e.constant("min", Tensor(scalar: lo), in: &graph)
      let b = e.constant("max", Tensor(scalar: hi), in: &graph)
      v = e.emit("clip", .clip, [v, a, b], in: &graph)
      v = e.emit("round", .unary(round), [v], in: &graph)
    }
    v = e.emit("sub_zero_point", .binary(.sub), [v, zp], in: &graph)
    _ = e.emit("rescale", .binary(.mul), [v, scale], output: out, in: &graph)
  }
}
