import FinchIR
import Foundation

extension Semantics {
  /// Broadcasting `Add`, `Sub`, `Mul`, `Div`, `Pow` in float32.
  static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws(EvaluationError) -> Tensor {
    switch op {
    case .add: return try broadcastMap(a, b, +)
    case .sub: return try broadcastMap(a, b, -)
    case .mul: return try broadcastMap(a, b, *)
    case .div: return try broadcastMap(a, b, /)
    case .pow: return try broadcastMap(a, b) { x, e in e == 2 ? x * x : Foundation.pow(x, e) }
    }
  }

  /// Elementwise unary functions in float32.
  static func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
    let f: (Float) -> Float
    switch op {
    case .relu: f = { $0 > 0 ? $0 : 0 }
    case .sigmoid: f = { 1 / (1 + Foundation.exp(-$0)) }
    case .tanh: f = { Foundation.tanh($0) }
    case .sign: f = { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    case .sqrt: f = { $0.squareRoot() }
    case .neg: f = { -$0 }
    case .abs: f = { Swift.abs($0) }
    case .exp: f = { Foundation.exp($0) }
    case .reciprocal: f = { 1 / $0 }
    case .floor: f = { $0.rounded(.down) }
    case .ceil: f = { $0.rounded(.up) }
    case .round: f = { $0.rounded(.toNearestOrEven) }
    }
    return Tensor(shape: x.shape, floats: x.floats.map(f))
  }

  /// ONNX `LeakyRelu`: `x` where `x ≥ 0`, else `alpha · x` (NaN stays NaN).
  static func leakyRelu(_ x: Tensor, alpha: Float) -> Tensor {
    Tensor(shape: x.shape, floats: x.floats.map { $0 >= 0 ? $0 : alpha * $0 })
  }

  /// ONNX `Clip` with optional scalar bounds.
  static func clip(_ x: Tensor, min lo: Tensor?, max hi: Tensor?) throws(EvaluationError) -> Tensor {
    guard (lo?.count ?? 1) == 1, (hi?.count ?? 1) == 1 else { throw EvaluationError("min and max must be scalars") }
    let l = lo?.floats.first ?? -.infinity, h = hi?.floats.first ?? .infinity
    let clipped = Tensor(shape: x.shape, floats: x.floats.map { $0.isNaN ? $0 : Swift.min(Swift.max($0, l), h) })
    return x.elementType == .int64 ? cast(clipped, to: .int64) : clipped
  }

  /// ONNX `BatchNormalization` at inference, computed as ONNX Runtime does:
  /// per channel `s = scale / sqrt(var + eps)`, `t = bias - mean · s`, `y = x · s + t`.
  static func batchNormalization(
    _ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, epsilon: Float
  ) throws(EvaluationError) -> Tensor {
    guard x.shape.rank >= 2 else { throw EvaluationError("input needs a channel axis") }
    let c = x.shape[1]
    guard [scale, bias, mean, variance].allSatisfy({ $0.count == c }) else {
      throw EvaluationError("parameters must have \(c) values, one per channel")
    }
    let sv = scale.floats, bv = bias.floats, mv = mean.floats, vv = variance.floats
    let s = (0..<c).map { sv[$0] * (1 / (vv[$0] + epsilon).squareRoot()) }
    let t = (0..<c).map { bv[$0] - mv[$0] * s[$0] }
    let inner = x.shape.dims.dropFirst(2).reduce(1, *)
    let xv = x.floats
    var out = [Float](repeating: 0, count: xv.count)
    for k in xv.indices {
      let ch = (k / inner) % c
      out[k] = xv[k] * s[ch] + t[ch]
    }
    return Tensor(shape: x.shape, floats: out)
  }

  /// ONNX `Softmax` (opset 13) along one axis.
  static func softmax(_ x: Tensor, axis: Int) throws(EvaluationError) -> Tensor {
    guard let a = x.shape.normalizedAxis(axis) else { throw EvaluationError("axis \(axis) out of range") }
    let n = x.shape[a], inner = x.shape.dims[(a + 1)...].reduce(1, *), outer = x.count / Swift.max(n * inner, 1)
    var v = x.floats
    for o in 0..<outer {
      for i in 0..<inner {
        let idx = (0..<n).map { (o * n + $0) * inner + i }
        let m = idx.map { v[$0] }.max() ?? 0
        let e = idx.map { Foundation.exp(v[$0] - m) }
        let sum = e.reduce(0, +)
        for (j, k) in idx.enumerated() { v[k] = e[j] / sum }
      }
    }
    return Tensor(shape: x.shape, floats: v)
  }
}
