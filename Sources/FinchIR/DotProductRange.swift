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
  guard weights.count == fanIn * outputs, weights.allSatisfy({ $0 == $0.rounded() }) else { return nil }
  let (xmin, xmax) = (input.min, input.max)
  var lo = 0.0, hi = 0.0
  for o in 0..<outputs {
    var l = 0.0, h = 0.0
    for i in 0..<fanIn {
      let w = Double(columnMajor ? weights[o * fanIn + i] : weights[i * outputs + o])
      l += min(w * xmin, w * xmax)
      h += max(w * xmin, w * xmax)
    }
    lo = min(lo, l)
    hi = max(hi, h)
  }
  return (lo, hi)
}
