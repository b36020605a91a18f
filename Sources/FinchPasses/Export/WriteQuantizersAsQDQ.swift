import FinchIR

/// Writes each activation `Quant` as `[Clip ->] QuantizeLinear -> DequantizeLinear`
/// (ONNX QDQ), whose float32 arithmetic gives the QONNX kernel's values, except
/// that a `-0` the QONNX kernel may produce comes out as `+0` (QuantizeLinear adds
/// the zero point after rounding).
///
/// Quantizers narrower than the 8-bit container are clamped before
/// `QuantizeLinear` by `Clip(x, lo·scale, hi·scale)` in float, which gives the
/// same integer as QONNX's clamp-then-round (the bounds round back to exactly
/// `lo`/`hi`). Refuses, naming the node, what QDQ cannot express exactly:
/// `BipolarQuant` and 1-bit signed `Quant` (sign), rounding other than `ROUND`,
/// more than 8 bits, non-zero or non-constant zero points and per-channel
/// scales on quantizers narrower than 8 bits.
public struct WriteQuantizersAsQDQ: Pass {
  public let name = "write-quantizers-as-qdq"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    try NodeExpansion.expandAll(in: &graph, pass: name, where: { node, _ in node.isQuantOrBipolarQuant }) { e, g throws(PassError) in
      try write(&e, in: &g)
    }
  }

  private func write(_ e: inout NodeExpansion, in graph: inout Graph) throws(PassError) {
    let node = e.node
    guard case .quant(let q) = node.op else {
      throw e.fail("", "QDQ cannot express sign() (BipolarQuant: +scale for x >= 0, -scale otherwise); use --format float")
    }
    let bits = try e.constantBitWidth(in: graph, format: "QDQ")
    guard !(bits == 1 && q.signed) else {
      throw e.fail("bit width", "QDQ cannot express sign() (1-bit signed Quant is bipolar); use --format float")
    }
    guard q.rounding == .round else {
      throw e.fail(
        "rounding_mode", "QuantizeLinear rounds half to even (ROUND); \(q.rounding.rawValue) cannot be expressed, use --format float")
    }
    guard bits <= 8 else { throw e.fail("bit width", "QDQ is limited to 8 bits here, got \(bits); use --format float") }
    guard let scale = graph.initializers[node.inputs[1]], let zp = graph.initializers[node.inputs[2]] else {
      throw e.fail("scale", "QDQ needs a constant scale and zero point; use --format float")
    }
    guard zp.floats.allSatisfy({ $0 == 0 }) else {
      throw e.fail(
        "zero point", "QuantizeLinear adds the zero point after rounding, which matches QONNX only for zero point 0; use --format float")
    }
    guard scale.floats.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw e.fail("scale", "QDQ needs positive finite scales") }
    guard let xType = graph.type(of: node.inputs[0]) else { throw e.fail("x", "has no type") }
    let rank = Swift.max(xType.shape.rank, scale.shape.rank)
    let (lo, hi) = Quant.integerRange(bits: bits, signed: q.signed, narrow: q.narrow)
    let type: DataType = q.signed ? .int(8) : .uint(8)
    let full = Double(lo) == type.min && Double(hi) == type.max
    let (s, axis) = try e.perAxis(scale, rank: rank)
    var x = node.inputs[0]
    if !full {
      guard s.count == 1 else {
        throw e.fail("scale", "a per-channel scale needs the full 8-bit range in QDQ (Clip bounds are scalars); use --format float")
      }
      let sv = s.floats[0]
      let a = e.constant("clip_min", Tensor(scalar: lo * sv), in: &graph)
      let b = e.constant("clip_max", Tensor(scalar: hi * sv), in: &graph)
      x = e.emit("clip", .clip, [x, a, b], in: &graph)
    }
    let scaleName = e.constant("scale", s, in: &graph)
    let zpName = e.constant("zero_point", Tensor(shape: s.shape, int64s: Array(repeating: 0, count: s.count)), type, in: &graph)
    let quantized = e.emit("quantize", .quantizeLinear(QuantizeLinear(axis: axis, outType: type)), [x, scaleName, zpName], in: &graph)
    _ = e.emit("dequantize", .dequantizeLinear(axis: axis), [quantized, scaleName, zpName], output: node.outputs[0], in: &graph)
  }
}
