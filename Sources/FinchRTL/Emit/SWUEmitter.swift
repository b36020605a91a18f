import FinchCost
import FinchIR

/// Places a sliding window unit as `finch_swu`: a circular line buffer of
/// `(kH-1)·dH + 1 + sH` input rows that reads the next rows (and the next
/// frame's first rows) while it writes windows; padding is generated, never
/// stored. SIMD channels per word on both sides; PE is unused.
public enum SWUEmitter {
  public static func instance(node: Node, graph: Graph, folding: LayerFolding, name: String) throws(RTLError) -> ModuleInstance {
    guard case .swu(let u) = node.op, let x = graph.type(of: node.inputs[0]) else {
      throw .unsupported(layer: node.name, reason: "not a sliding window unit")
    }
    guard x.shape.rank == 4 else { throw .unsupported(layer: node.name, reason: "needs NHWC input, got \(x.shape)") }
    guard u.kernel.count == 2, u.strides.count == 2, u.dilations.count == 2, u.pads.count == 4,
      (u.kernel + u.strides + u.dilations).allSatisfy({ $0 >= 1 }), u.pads.allSatisfy({ $0 >= 0 })
    else {
      throw .unsupported(layer: node.name, reason: "2-D windows with positive kernel, strides and dilations and non-negative pads only")
    }
    let (h, w, c, simd) = (x.shape[1], x.shape[2], x.shape[3], folding.simd)
    guard simd >= 1, c % simd == 0 else { throw .unsupported(layer: node.name, reason: "SIMD \(simd) does not divide \(c) channels") }
    let span = [(u.kernel[0] - 1) * u.dilations[0] + 1, (u.kernel[1] - 1) * u.dilations[1] + 1]
    // A pad as wide as the window would give windows of padding only; the line buffer's row bookkeeping assumes it cannot.
    guard u.pads[0] < span[0], u.pads[2] < span[0], u.pads[1] < span[1], u.pads[3] < span[1] else {
      throw .unsupported(layer: node.name, reason: "pads \(u.pads) must be smaller than the window's extent \(span)")
    }
    guard h + u.pads[0] + u.pads[2] >= span[0], w + u.pads[1] + u.pads[3] >= span[1] else {
      throw .unsupported(layer: node.name, reason: "the window \(span) does not fit the padded \(h)x\(w) input")
    }
    let input = try graph.stream(node.inputs[0], fold: simd, layer: node.name)
    let output = try graph.stream(node.outputs[0], fold: simd, layer: node.name)
    let bits = input.format.elementBits
    var padCode: UInt64 = 0
    if u.pads.contains(where: { $0 > 0 }) {
      guard x.dataType.allows(Double(u.padValue)) else {
        throw .unsupported(layer: node.name, reason: "pad value \(u.padValue) is not a \(x.dataType) value")
      }
      padCode = input.format.encode(Int64(u.padValue))
    }
    let parameters: [(name: String, value: String)] = [
      ("IFM_H", "\(h)"), ("IFM_W", "\(w)"), ("C", "\(c)"), ("SIMD", "\(simd)"),
      ("K_H", "\(u.kernel[0])"), ("K_W", "\(u.kernel[1])"), ("STRIDE_H", "\(u.strides[0])"), ("STRIDE_W", "\(u.strides[1])"),
      ("DIL_H", "\(u.dilations[0])"), ("DIL_W", "\(u.dilations[1])"),
      ("PAD_T", "\(u.pads[0])"), ("PAD_L", "\(u.pads[1])"), ("PAD_B", "\(u.pads[2])"), ("PAD_R", "\(u.pads[3])"),
      ("BITS", "\(bits)"), ("PAD_VALUE", "\(bits)'h\(String(padCode, radix: 16))"),
    ]
    return ModuleInstance(
      module: "finch_swu", name: name, parameters: parameters, input: input.format, output: output.format,
      inputWords: input.words, outputWords: output.words)
  }
}
