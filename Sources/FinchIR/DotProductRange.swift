/// The exact range of a dot product of integer inputs with constant integer
/// weights, over every output: what an accumulator must hold. Typing (an
/// MVAU's or MatMul's accumulator datatype) and the hardware layer list
/// (accumulator width, threshold clamping) both read it.
///
/// `weights` holds `fanIn · outputs` values; `columnMajor` ones keep one
/// output's fan-in contiguous, others are `[fanIn][outputs]`. Each output's
/// range is taken over every input value of `input`; the result spans all
/// outputs and includes 0. Nil when a weight is not an integer. Sums are in
/// `Double`, exact while the bounds stay within ±2^53 (callers check).
public func dotProductRange(
  input: DataType, weights: [Float], fanIn: Int, outputs: Int, columnMajor: Bool
) -> (min: Double, max: Double)? {
  guard weights.count == fanIn * outputs else { return nil }
  let (xmin, xmax) = (input.min, input.max)
  /// Floats of magnitude 2^23 or more are integers; smaller ones convert exactly to Int32 when they are.
  func isInteger(_ v: Float) -> Bool { v.isFinite && (abs(v) >= 0x1p23 || Float(Int32(v)) == v) }
  // Sums of integers are exact, so visiting the weights in memory order gives
  // the same bounds as visiting them output by output.
  return weights.withUnsafeBufferPointer { w -> (min: Double, max: Double)? in
    var lo = 0.0, hi = 0.0
    if columnMajor {
      for o in 0..<outputs {
        var l = 0.0, h = 0.0
        for k in (o * fanIn)..<((o + 1) * fanIn) {
          guard isInteger(w[k]) else { return nil }
          let d = Double(w[k])
          l += min(d * xmin, d * xmax)
          h += max(d * xmin, d * xmax)
        }
        (lo, hi) = (min(lo, l), max(hi, h))
      }
      return (lo, hi)
    }
    var l = [Double](repeating: 0, count: outputs), h = [Double](repeating: 0, count: outputs)
    l.withUnsafeMutableBufferPointer { l in
      h.withUnsafeMutableBufferPointer { h in
        for i in 0..<fanIn {
          for o in 0..<outputs {
            let d = Double(w[i * outputs + o])
            l[o] += min(d * xmin, d * xmax)
            h[o] += max(d * xmin, d * xmax)
          }
        }
      }
    }
    guard w.allSatisfy(isInteger) else { return nil }
    return (min(0, l.min() ?? 0), max(0, h.max() ?? 0))
  }
}
