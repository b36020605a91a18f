import FinchIR

extension Semantics {
  /// ONNX `MatMul` with NumPy semantics, batched and broadcast over leading axes.
  static func matMul(_ a: Tensor, _ b: Tensor) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.matMul, [a, b])
    let a2 = a.shape.rank == 1 ? Shape([1] + a.shape.dims) : a.shape
    let b2 = b.shape.rank == 1 ? Shape(b.shape.dims + [1]) : b.shape
    let (m, k, n) = (a2[-2], a2[-1], b2[-1])
    let batchShape = Shape.broadcast(Shape(Array(a2.dims.dropLast(2))), Shape(Array(b2.dims.dropLast(2)))) ?? []
    let aBatch = BroadcastIndexer(input: Shape(Array(a2.dims.dropLast(2))), output: batchShape).indices()
    let bBatch = BroadcastIndexer(input: Shape(Array(b2.dims.dropLast(2))), output: batchShape).indices()
    let av = a.floats, bv = b.floats
    var out = [Float](repeating: 0, count: outShape.elementCount)
    var row = [Double](repeating: 0, count: n)
    for batch in 0..<batchShape.elementCount {
      let ao = aBatch[batch] * m * k, bo = bBatch[batch] * k * n, oo = batch * m * n
      for i in 0..<m {
        for j in 0..<n { row[j] = 0 }
        for p in 0..<k {
          let x = Double(av[ao + i * k + p])
          if x == 0 { continue }
          let base = bo + p * n
          for j in 0..<n { row[j] += x * Double(bv[base + j]) }
        }
        for j in 0..<n { out[oo + i * n + j] = Float(row[j]) }
      }
    }
    return Tensor(shape: outShape, floats: out)
  }

  /// ONNX `Gemm`: `alpha · op(A) · op(B) + beta · C`.
  static func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor?, _ g: Gemm) throws(EvaluationError) -> Tensor {
    guard a.shape.rank == 2, b.shape.rank == 2 else { throw EvaluationError("Gemm needs 2-D inputs") }
    let at = g.transA ? try transpose(a, perm: [1, 0]) : a
    let bt = g.transB ? try transpose(b, perm: [1, 0]) : b
    var y = try matMul(at, bt)
    if g.alpha != 1 { y = Tensor(shape: y.shape, floats: y.floats.map { g.alpha * $0 }) }
    if let c {
      let scaled = g.beta == 1 ? c : Tensor(shape: c.shape, floats: c.floats.map { g.beta * $0 })
      y = try broadcastMap(y, scaled, +)
    }
    return y
  }

  /// ONNX `Conv` in 2-D (NCHW), with groups, padding, strides and dilations.
  static func conv(_ x: Tensor, weights w: Tensor, bias: Tensor?, _ c: Conv) throws(EvaluationError) -> Tensor {
    var args = [x, w]
    if let bias { args.append(bias) }
    let outShape = try outputShape(.conv(c), args)
    let (n, ci, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, oh, ow) = (outShape[1], outShape[2], outShape[3])
    let (kh, kw) = (c.kernel[0], c.kernel[1])
    let cig = ci / c.group, cog = co / c.group
    let xv = x.floats, wv = w.floats, bv = bias?.floats
    var out = [Float](repeating: 0, count: outShape.elementCount)
    for b in 0..<n {
      for o in 0..<co {
        let g = o / cog
        for y in 0..<oh {
          for xo in 0..<ow {
            var acc = 0.0
            for i in 0..<cig {
              let cin = g * cig + i
              for ky in 0..<kh {
                let iy = y * c.strides[0] - c.pads[0] + ky * c.dilations[0]
                if iy < 0 || iy >= h { continue }
                for kx in 0..<kw {
                  let ix = xo * c.strides[1] - c.pads[1] + kx * c.dilations[1]
                  if ix < 0 || ix >= wd { continue }
                  acc += Double(xv[((b * ci + cin) * h + iy) * wd + ix]) * Double(wv[((o * cig + i) * kh + ky) * kw + kx])
                }
              }
            }
            var r = Float(acc)
            if let bv { r += bv[o] }
            out[((b * co + o) * oh + y) * ow + xo] = r
          }
        }
      }
    }
    return Tensor(shape: outShape, floats: out)
  }
}
