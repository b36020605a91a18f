import FinchIR

extension Semantics {
  /// A matrix-vector-activation unit: integer dot products, then thresholds.
  static func mvau(_ x: Tensor, weights w: Tensor, thresholds: Tensor?, _ m: MVAU) throws(EvaluationError) -> Tensor {
    let (mw, mh) = (w.shape[0], w.shape[1])
    guard x.shape.rank >= 1, x.shape[-1] == mw else { throw EvaluationError("input \(x.shape) does not end in MW = \(mw)") }
    let xv = x.int64s, wv = w.int64s
    return thresholded(x, rowLength: mw, channels: mh, thresholds: thresholds, m) { r, c in
      var acc: Int64 = 0
      if m.xnor {
        for i in 0..<mw where xv[r * mw + i] == wv[i * mh + c] { acc += 1 }
        return acc
      }
      // Type inference bounds the sums to ±2^53; wrapping keeps a value outside x's type from trapping.
      for i in 0..<mw { acc &+= xv[r * mw + i] &* wv[i * mh + c] }
      return acc
    }
  }

  /// A vector-vector-activation unit: per-channel dot products over the window
  /// positions of SWU output (channel fastest), then thresholds.
  static func vvau(_ x: Tensor, weights w: Tensor, thresholds: Tensor?, _ m: MVAU) throws(EvaluationError) -> Tensor {
    let (k, channels) = (w.shape[0], w.shape[1])
    guard x.shape.rank >= 1, x.shape[-1] == k * channels else { throw EvaluationError("input \(x.shape) does not end in K·C = \(k * channels)") }
    let xv = x.int64s, wv = w.int64s
    return thresholded(x, rowLength: k * channels, channels: channels, thresholds: thresholds, m) { r, c in
      var acc: Int64 = 0
      for i in 0..<k { acc &+= xv[(r * k + i) * channels + c] &* wv[i * channels + c] }
      return acc
    }
  }

  /// The output of an MVAU or VVAU: for each input row (the last axis,
  /// `rowLength` long) and output channel, the accumulator `accumulate(row,
  /// channel)` thresholded, or without thresholds the accumulator itself (an
  /// XNOR unit's popcount `P` as the dot product `2P - MW`).
  private static func thresholded(
    _ x: Tensor, rowLength: Int, channels: Int, thresholds: Tensor?, _ m: MVAU, accumulate: (Int, Int) -> Int64
  ) -> Tensor {
    let rows = x.count / max(rowLength, 1)
    let t = thresholds?.int64s ?? []
    let steps = thresholds.map { $0.shape[1] } ?? 0
    var out = [Float](repeating: 0, count: rows * channels)
    for r in 0..<rows {
      for c in 0..<channels {
        let acc = accumulate(r, c)
        if thresholds == nil {
          out[r * channels + c] = Float(m.xnor ? 2 * acc - Int64(rowLength) : acc)
        } else {
          out[r * channels + c] = Float(m.outScale &* t[(c * steps)..<((c + 1) * steps)].count { acc >= $0 } &+ m.outBias)
        }
      }
    }
    var shape = x.shape
    shape[-1] = channels
    return Tensor(shape: shape, floats: out)
  }

  /// The elementwise sum of two streams of the same shape.
  static func addStreams(_ a: Tensor, _ b: Tensor) throws(EvaluationError) -> Tensor {
    guard a.shape == b.shape else { throw EvaluationError("streams of shapes \(a.shape) and \(b.shape) differ") }
    let (av, bv) = (a.floats, b.floats)
    return Tensor(shape: a.shape, floats: av.indices.map { av[$0] + bv[$0] })
  }

  /// The per-channel sum over every pixel of NHWC input.
  static func globalAccPool(_ x: Tensor) throws(EvaluationError) -> Tensor {
    guard x.shape.rank == 4 else { throw EvaluationError("needs NHWC input, got \(x.shape)") }
    let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
    let xv = x.int64s
    var out = [Float](repeating: 0, count: n * c)
    for b in 0..<n {
      for ch in 0..<c {
        var sum: Int64 = 0
        for p in 0..<pixels { sum &+= xv[(b * pixels + p) * c + ch] }
        out[b * c + ch] = Float(sum)
      }
    }
    return Tensor(shape: [n, 1, 1, c], floats: out)
  }

  /// A sliding window unit: NHWC im2col with the channel fastest, then kx, then ky.
  static func swu(_ x: Tensor, _ u: SWU) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.swu(u), [x])
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (outShape[1], outShape[2])
    let xv = x.floats
    var out = [Float]()
    out.reserveCapacity(outShape.elementCount)
    for b in 0..<n {
      for y in 0..<oh {
        for xo in 0..<ow {
          for ky in 0..<u.kernel[0] {
            let iy = y * u.strides[0] - u.pads[0] + ky * u.dilations[0]
            for kx in 0..<u.kernel[1] {
              let ix = xo * u.strides[1] - u.pads[1] + kx * u.dilations[1]
              let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
              for ch in 0..<c { out.append(inside ? xv[((b * h + iy) * w + ix) * c + ch] : u.padValue) }
            }
          }
        }
      }
    }
    return Tensor(shape: outShape, floats: out)
  }

  /// Streaming max-pool on NHWC input; padded positions are never chosen.
  static func streamingMaxPool(_ x: Tensor, kernel: [Int], strides: [Int], pads: [Int]) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.streamingMaxPool(kernel: kernel, strides: strides, pads: pads), [x])
    let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (outShape[1], outShape[2])
    let xv = x.floats
    var out = [Float](repeating: -.infinity, count: outShape.elementCount)
    for b in 0..<x.shape[0] {
      for y in 0..<oh {
        for xo in 0..<ow {
          for ky in 0..<kernel[0] {
            let iy = y * strides[0] + ky - pads[0]
            guard iy >= 0, iy < h else { continue }
            for kx in 0..<kernel[1] {
              let ix = xo * strides[1] + kx - pads[1]
              guard ix >= 0, ix < w else { continue }
              let base = ((b * h + iy) * w + ix) * c
              let o = ((b * oh + y) * ow + xo) * c
              for ch in 0..<c { out[o + ch] = max(out[o + ch], xv[base + ch]) }
            }
          }
        }
      }
    }
    return Tensor(shape: outShape, floats: out)
  }

  /// Label select: indices of the `k` largest values along the last axis.
  static func labelSelect(_ x: Tensor, k: Int) throws(EvaluationError) -> Tensor {
    try topK(x, TopK(k: k, axis: -1, largest: true, sorted: true))[1]
  }
}
