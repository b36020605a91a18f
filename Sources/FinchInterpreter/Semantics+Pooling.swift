import FinchIR

extension Semantics {
  /// ONNX `MaxPool` (`max: true`) or `AveragePool` in 2-D (NCHW).
  static func pool(_ x: Tensor, _ p: Pool, max isMax: Bool) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(isMax ? .maxPool(p) : .averagePool(p), [x])
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (outShape[2], outShape[3])
    let xv = x.floats
    var out = [Float](repeating: 0, count: outShape.elementCount)
    for plane in 0..<(n * c) {
      for y in 0..<oh {
        for xo in 0..<ow {
          var best = -Float.infinity
          var sum: Float = 0
          var count = 0, padded = 0
          for ky in 0..<p.kernel[0] {
            let iy = y * p.strides[0] - p.pads[0] + ky * p.dilations[0]
            for kx in 0..<p.kernel[1] {
              let ix = xo * p.strides[1] - p.pads[1] + kx * p.dilations[1]
              guard iy >= 0, iy < h, ix >= 0, ix < w else {
                if iy < h + p.pads[2] && ix < w + p.pads[3] { padded += 1 }
                continue
              }
              let v = xv[(plane * h + iy) * w + ix]
              best = Swift.max(best, v)
              sum += v
              count += 1
            }
          }
          let divisor = p.countIncludePad ? count + padded : count
          out[(plane * oh + y) * ow + xo] = isMax ? best : sum / Float(Swift.max(divisor, 1))
        }
      }
    }
    return Tensor(shape: outShape, floats: out)
  }

  /// ONNX `GlobalAveragePool`: the mean over all spatial positions.
  static func globalAveragePool(_ x: Tensor) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.globalAveragePool, [x])
    let planes = x.shape[0] * x.shape[1], size = x.count / Swift.max(planes, 1)
    let xv = x.floats
    let out = (0..<planes).map { p in xv[(p * size)..<((p + 1) * size)].reduce(0, +) / Float(size) }
    return Tensor(shape: outShape, floats: out)
  }
}
