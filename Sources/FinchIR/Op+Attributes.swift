extension Op {
  /// The op's attributes as `name=value` pairs in a fixed order (empty for ops without any).
  public var attributes: [(name: String, value: String)] {
    func list(_ v: [Int]) -> String { "[" + v.map(String.init).joined(separator: ",") + "]" }
    func flag(_ b: Bool) -> String { b ? "1" : "0" }
    func window(_ k: [Int], _ s: [Int], _ p: [Int], _ d: [Int]) -> [(String, String)] {
      [("kernel", list(k)), ("strides", list(s)), ("pads", list(p)), ("dilations", list(d))]
    }
    switch self {
    case .quant(let q):
      return [("signed", flag(q.signed)), ("narrow", flag(q.narrow)), ("rounding", q.rounding.rawValue)]
    case .trunc(let t):
      return [("signed", flag(t.signed)), ("narrow", flag(t.narrow)), ("rounding", t.rounding.rawValue)]
    case .multiThreshold(let m):
      return [("out_type", m.outType.finnName), ("out_scale", "\(m.outScale)"), ("out_bias", "\(m.outBias)"),
              ("layout", m.channelsLast ? "NHWC" : "NCHW")]
    case .quantizeLinear(let q): return [("axis", "\(q.axis)"), ("out_type", q.outType.finnName)]
    case .dequantizeLinear(let axis): return [("axis", "\(axis)")]
    case .gemm(let g):
      return [("alpha", "\(g.alpha)"), ("beta", "\(g.beta)"), ("transA", flag(g.transA)), ("transB", flag(g.transB))]
    case .conv(let c): return window(c.kernel, c.strides, c.pads, c.dilations) + [("group", "\(c.group)")]
    case .batchNormalization(let eps): return [("epsilon", "\(eps)")]
    case .softmax(let axis), .flatten(let axis), .concat(let axis), .gather(let axis): return [("axis", "\(axis)")]
    case .maxPool(let p), .averagePool(let p):
      var a = window(p.kernel, p.strides, p.pads, p.dilations)
      if p.ceilMode { a.append(("ceil_mode", "1")) }
      if case .averagePool = self, p.countIncludePad { a.append(("count_include_pad", "1")) }
      return a
    case .reshape(let allowZero): return allowZero ? [("allowzero", "1")] : []
    case .transpose(let perm): return [("perm", list(perm))]
    case .squeeze(let axes), .unsqueeze(let axes): return [("axes", list(axes))]
    case .pad(let pads, let value): return [("pads", list(pads)), ("value", "\(value)")]
    case .cast(let to): return [("to", to.rawValue)]
    case .argMax(let axis, let keepDims, let last):
      return [("axis", "\(axis)"), ("keepdims", flag(keepDims)), ("select_last_index", flag(last))]
    case .topK(let t): return [("k", "\(t.k)"), ("axis", "\(t.axis)"), ("largest", flag(t.largest)), ("sorted", flag(t.sorted))]
    case .mvau(let m):
      var a = [("xnor", flag(m.xnor))]
      if let t = m.outType { a += [("out_type", t.finnName), ("out_scale", "\(m.outScale)"), ("out_bias", "\(m.outBias)")] }
      return a
    case .swu(let s):
      return window(s.kernel, s.strides, s.pads, s.dilations) + (s.padValue == 0 ? [] : [("pad_value", "\(s.padValue)")])
    case .thresholding(let m):
      return [("out_type", m.outType.finnName), ("out_scale", "\(m.outScale)"), ("out_bias", "\(m.outBias)")]
    case .streamingMaxPool(let k, let s): return [("kernel", list(k)), ("strides", list(s))]
    case .labelSelect(let k): return [("k", "\(k)")]
    case .bipolarQuant, .xnorPopcountMatMul, .matMul, .binary, .unary, .clip, .globalAveragePool, .identity, .shape:
      return []
    }
  }
}
