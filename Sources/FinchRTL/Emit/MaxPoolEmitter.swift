import FinchCost
import FinchIR

/// Places a streaming max-pool as `finch_maxpool` (non-overlapping windows,
/// no padding: PE channels per word, one input word per cycle), or with
/// overlapping or padded windows as `finch_window_maxpool`, the sliding
/// window unit and max-pool ``HardwareLayer/windowedPoolParts`` describes.
public enum MaxPoolEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    let windowed = l.windowedPoolParts != nil
    guard Pool.windowsHoldInput(kernel: l.kernel, pads: l.pads) else {
      throw .unsupported(layer: l.name, reason: "pads \(l.pads) must be smaller than the window \(l.kernel)")
    }
    // Bipolar is encoded 1 = +1, 0 = -1, so its maximum is the unsigned one.
    var parameters: [(name: String, value: String)] = [
      ("IFM_H", "\(l.inputDims[0])"), ("IFM_W", "\(l.inputDims[1])"), ("C", "\(l.channels)"), ("PE", "\(folding.pe)"),
      ("K_H", "\(l.kernel[0])"), ("K_W", "\(l.kernel[1])"), ("STRIDE_H", "\(l.stride[0])"), ("STRIDE_W", "\(l.stride[1])"),
    ]
    if windowed { parameters += [("PAD_T", "\(l.pads[0])"), ("PAD_L", "\(l.pads[1])"), ("PAD_B", "\(l.pads[2])"), ("PAD_R", "\(l.pads[3])")] }
    parameters += [("BITS", "\(l.inputBits)"), ("SIGNED", l.signedInput ? "1" : "0")]
    return ModuleInstance(module: windowed ? "finch_window_maxpool" : "finch_maxpool", element: element, parameters: parameters)
  }
}
