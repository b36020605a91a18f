import FinchIR

extension Semantics {
  /// ONNX `ArgMax`: the index of the largest value (the first, or the last with `selectLast`).
  static func argMax(_ x: Tensor, axis: Int, keepDims: Bool, selectLast: Bool) throws(EvaluationError) -> Tensor {
    let op = Op.argMax(axis: axis, keepDims: keepDims, selectLastIndex: selectLast)
    let outShape = try outputShape(op, [x])
    let a = x.shape.normalizedAxis(axis) ?? 0
    let n = x.shape[a], inner = x.shape.dims[(a + 1)...].reduce(1, *), outer = x.shape.dims[..<a].reduce(1, *)
    let v = x.floats
    var out: [Int64] = []
    for o in 0..<outer {
      for i in 0..<inner {
        var best = 0
        for j in 1..<Swift.max(n, 1) {
          let cur = v[(o * n + j) * inner + i], top = v[(o * n + best) * inner + i]
          if cur > top || (selectLast && cur == top) { best = j }
        }
        out.append(Int64(best))
      }
    }
    return Tensor(shape: outShape, int64s: out)
  }

  /// ONNX `TopK`: the `k` largest (or smallest) values and their indices; ties keep the lower index first.
  static func topK(_ x: Tensor, _ t: TopK) throws(EvaluationError) -> [Tensor] {
    let outShape = try outputShape(.topK(t), [x])
    let a = x.shape.normalizedAxis(t.axis) ?? 0
    let n = x.shape[a], inner = x.shape.dims[(a + 1)...].reduce(1, *), outer = x.shape.dims[..<a].reduce(1, *)
    let v = x.floats
    var values = [Float](repeating: 0, count: outShape.elementCount)
    var indices = [Int64](repeating: 0, count: outShape.elementCount)
    for o in 0..<outer {
      for i in 0..<inner {
        let order = (0..<n).sorted { p, q in
          let vp = v[(o * n + p) * inner + i], vq = v[(o * n + q) * inner + i]
          return vp != vq ? (t.largest ? vp > vq : vp < vq) : p < q
        }
        for j in 0..<t.k {
          let dst = (o * t.k + j) * inner + i
          values[dst] = v[(o * n + order[j]) * inner + i]
          indices[dst] = Int64(order[j])
        }
      }
    }
    return [Tensor(shape: outShape, floats: values), Tensor(shape: outShape, int64s: indices)]
  }
}
