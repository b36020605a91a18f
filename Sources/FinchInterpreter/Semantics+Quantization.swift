import FinchIR
import Foundation

extension Semantics {
  /// Reads a scalar bit width in ``Quant/bitWidths``.
  static func bitWidth(_ t: Tensor, _ what: String) throws(EvaluationError) -> Int {
    guard let b = Quant.bitWidth(of: t) else {
      throw EvaluationError("\(what) must be one integer in \(Quant.bitWidths), got \(t.floats.prefix(3))")
    }
    return b
  }

  /// QONNX `Quant`: `q = round(clamp(x / scale + zp))`, `y = (q - zp) · scale`, in float32.
  static func quant(_ x: Tensor, scale: Tensor, zeroPoint: Tensor, bitWidth bits: Tensor, _ q: Quant) throws(EvaluationError) -> Tensor {
    let levels = try quantLevels(x, scale: scale, zeroPoint: zeroPoint, bitWidth: bits, q)
    return try broadcastMap(try broadcastMap(levels, zeroPoint, -), scale, *)
  }

  /// The integer `q` of QONNX `Quant` before rescaling: `round(clamp(x / scale + zp))`
  /// (`x / scale + zp >= 0 ? 1 : -1` for one signed bit), exactly as `quant` computes it.
  public static func quantLevels(
    _ x: Tensor, scale: Tensor, zeroPoint: Tensor, bitWidth bits: Tensor, _ q: Quant
  ) throws(EvaluationError) -> Tensor {
    let b = try bitWidth(bits, "bit width")
    try requireFinite(scale, "scale", nonZero: true)
    try requireFinite(zeroPoint, "zero point", nonZero: false)
    let y = try broadcastMap(try broadcastMap(x, scale, /), zeroPoint, +)
    if b == 1 && q.signed {
      return Tensor(shape: y.shape, floats: y.floats.map { $0 >= 0 ? 1 : -1 })
    }
    let (lo, hi) = Quant.integerRange(bits: b, signed: q.signed, narrow: q.narrow)
    return Tensor(shape: y.shape, floats: y.floats.map { q.rounding.apply(Swift.min(Swift.max($0, lo), hi)) })
  }

  /// QONNX `BipolarQuant`: `scale · (x >= 0 ? 1 : -1)`.
  static func bipolarQuant(_ x: Tensor, scale: Tensor) throws(EvaluationError) -> Tensor {
    try requireFinite(scale, "scale", nonZero: true)
    return try broadcastMap(Tensor(shape: x.shape, floats: x.floats.map { $0 >= 0 ? 1 : -1 }), scale, *)
  }

  /// QONNX `Trunc` (inputs after x: scale, zero point, input bit width, output
  /// scale, [output zero point,] output bit width): rounds `x / scale + zp`, divides
  /// by the power-of-two ratio of the scales, clamps, rounds, and rescales.
  static func trunc(_ x: Tensor, args: [Tensor?], _ t: Trunc) throws(EvaluationError) -> Tensor {
    guard args.count == 5 || args.count == 6, let scale = args[0], let zp = args[1], let outScale = args[3],
      let outBits = args[args.count - 1]
    else { throw EvaluationError("needs inputs x, scale, zero point, input bit width, output scale, output bit width") }
    let b = try bitWidth(outBits, "output bit width")
    try requireFinite(scale, "scale", nonZero: true)
    try requireFinite(outScale, "output scale", nonZero: true)
    var y = try broadcastMap(x, scale, /)
    y = try broadcastMap(y, zp, +)
    y = Tensor(shape: y.shape, floats: y.floats.map { $0.rounded(.toNearestOrEven) })
    let scaleRatio = try broadcastMap(outScale, scale, /)
    if let r = scaleRatio.floats.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw EvaluationError("output scale / scale must be positive and finite, got \(r)")
    }
    let ratio = Tensor(shape: scaleRatio.shape, floats: scaleRatio.floats.map { Float.pow2(Float(log2(Double($0))).rounded(.toNearestOrEven)) })
    y = try broadcastMap(y, ratio, /)
    let (lo, hi) = Quant.integerRange(bits: b, signed: t.signed, narrow: t.narrow)
    y = Tensor(shape: y.shape, floats: y.floats.map { t.rounding.apply(Swift.min(Swift.max($0, lo), hi)) })
    y = try broadcastMap(y, try broadcastMap(zp, ratio, /), -)
    return try broadcastMap(y, outScale, *)
  }

  /// `MultiThreshold`: `outScale · #{i : x >= T[c, i]} + outBias` per channel `c`.
  static func multiThreshold(_ x: Tensor, thresholds: Tensor, _ m: MultiThreshold) throws(EvaluationError) -> Tensor {
    let s = x.shape
    guard s.rank >= 2, thresholds.shape.rank == 2 else { throw EvaluationError("needs input rank >= 2 and thresholds [C, B]") }
    let axis = m.channelsLast ? s.rank - 1 : 1
    let channels = s[axis], steps = thresholds.shape[1]
    guard thresholds.shape[0] == channels || thresholds.shape[0] == 1 else {
      throw EvaluationError("thresholds have \(thresholds.shape[0]) channels, input has \(channels)")
    }
    let t = thresholds.floats
    guard !t.contains(where: \.isNaN) else { throw EvaluationError("thresholds contain NaN") }
    let inner = s.dims[(axis + 1)...].reduce(1, *)
    let xv = x.floats
    var out = [Float](repeating: 0, count: xv.count)
    for k in xv.indices {
      let c = thresholds.shape[0] == 1 ? 0 : (k / inner) % channels
      var count = 0
      for i in 0..<steps where xv[k] >= t[c * steps + i] { count += 1 }
      out[k] = m.outScale * Float(count) + m.outBias
    }
    return Tensor(shape: s, floats: out)
  }

  /// FINN `XnorPopcountMatMul` on {0,1} inputs: the number of positions where the bits agree.
  static func xnorPopcountMatMul(_ x: Tensor, _ w: Tensor) throws(EvaluationError) -> Tensor {
    guard x.shape.rank == 2, w.shape.rank == 2, x.shape[1] == w.shape[0] else {
      throw EvaluationError("needs x [N, K] and weights [K, M], got \(x.shape) and \(w.shape)")
    }
    let (n, k, m) = (x.shape[0], x.shape[1], w.shape[1])
    let xv = x.floats, wv = w.floats
    guard (xv + wv).allSatisfy({ $0 == 0 || $0 == 1 }) else { throw EvaluationError("inputs must be binary (0 or 1)") }
    var out = [Float](repeating: 0, count: n * m)
    for i in 0..<n {
      for j in 0..<m {
        var matches = 0
        for p in 0..<k where xv[i * k + p] == wv[p * m + j] { matches += 1 }
        out[i * m + j] = Float(matches)
      }
    }
    return Tensor(shape: [n, m], floats: out)
  }

  /// ONNX `QuantizeLinear`: `saturate(round_half_even(x / scale) + zeroPoint)`.
  static func quantizeLinear(_ x: Tensor, scale: Tensor, zeroPoint: Tensor?, _ q: QuantizeLinear) throws(EvaluationError) -> Tensor {
    try requireFinite(scale, "scale", nonZero: true)
    let s = try perAxis(scale, x.shape, q.axis)
    var y = try broadcastMap(x, s) { ($0 / $1).rounded(.toNearestOrEven) }
    if let zp = zeroPoint { y = try broadcastMap(y, try perAxis(zp, x.shape, q.axis), +) }
    let lo = Float(q.outType.min), hi = Float(q.outType.max)
    return Tensor(shape: y.shape, floats: y.floats.map { Swift.min(Swift.max($0, lo), hi) })
  }

  /// ONNX `DequantizeLinear`: `(x - zeroPoint) · scale`.
  static func dequantizeLinear(_ x: Tensor, scale: Tensor, zeroPoint: Tensor?, axis: Int) throws(EvaluationError) -> Tensor {
    try requireFinite(scale, "scale", nonZero: false)
    var y = x
    if let zp = zeroPoint { y = try broadcastMap(y, try perAxis(zp, x.shape, axis), -) }
    return try broadcastMap(y, try perAxis(scale, x.shape, axis), *)
  }

  /// Reshapes a 1-D per-axis parameter so that it broadcasts along `axis` of `shape`.
  static func perAxis(_ p: Tensor, _ shape: Shape, _ axis: Int) throws(EvaluationError) -> Tensor {
    guard p.shape.rank == 1, p.count > 1 || shape.rank == 0 else { return p }
    guard let a = shape.normalizedAxis(axis), shape[a] == p.count else {
      throw EvaluationError("per-axis parameter of \(p.count) values does not fit axis \(axis) of \(shape)")
    }
    var dims = [Int](repeating: 1, count: shape.rank)
    dims[a] = p.count
    return p.reshaped(Shape(dims))
  }

  static func requireFinite(_ t: Tensor, _ what: String, nonZero: Bool) throws(EvaluationError) {
    for v in t.floats where !v.isFinite || (nonZero && v == 0) {
      throw EvaluationError("\(what) must be finite\(nonZero ? " and non-zero" : ""), got \(v)")
    }
  }
}

extension Float {
  /// 2 to the power `e` (integral `e`).
  static func pow2(_ e: Float) -> Float { Float(sign: .plus, exponent: Int(e), significand: 1) }
}
