import FinchCost
import FinchIR

/// Places a sliding window unit as `finch_swu`: a circular line buffer of
/// `(kH-1)·dH + 1 + sH` input rows that reads the next rows (and the next
/// frame's first rows) while it writes windows; padding is generated, never
/// stored. SIMD channels per word on both sides; PE is unused.
public enum SWUEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    let span = l.windowSpan
    // A pad as wide as the window would give windows of padding only; the line buffer's row bookkeeping assumes it cannot.
    guard l.pads[0] < span[0], l.pads[2] < span[0], l.pads[1] < span[1], l.pads[3] < span[1] else {
      throw .unsupported(layer: l.name, reason: "pads \(l.pads) must be smaller than the window's extent \(span)")
    }
    let (h, w) = (l.unpaddedInputDims[0], l.unpaddedInputDims[1])
    let padCode = element.input.encode(l.padValue)
    let parameters: [(name: String, value: String)] = [
      ("IFM_H", "\(h)"), ("IFM_W", "\(w)"), ("C", "\(l.channels)"), ("SIMD", "\(folding.simd)"),
      ("K_H", "\(l.kernel[0])"), ("K_W", "\(l.kernel[1])"), ("STRIDE_H", "\(l.stride[0])"), ("STRIDE_W", "\(l.stride[1])"),
      ("DIL_H", "\(l.dilation[0])"), ("DIL_W", "\(l.dilation[1])"),
      ("PAD_T", "\(l.pads[0])"), ("PAD_L", "\(l.pads[1])"), ("PAD_B", "\(l.pads[2])"), ("PAD_R", "\(l.pads[3])"),
      ("BITS", "\(l.inputBits)"), ("PAD_VALUE", "\(l.inputBits)'h\(String(padCode, radix: 16))"),
    ]
    return ModuleInstance(module: "finch_swu", element: element, parameters: parameters)
  }
}
