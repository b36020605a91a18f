import FinchCost
import FinchIR

/// Places a streaming max-pool as `finch_maxpool`: non-overlapping windows
/// (stride equal to kernel), PE channels per word, one input word per cycle.
public enum MaxPoolEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    guard l.stride == l.kernel else {
      throw .unsupported(
        layer: l.name,
        reason: "only non-overlapping windows (strides equal to the kernel) are supported, got kernel \(l.kernel) strides \(l.stride)")
    }
    guard l.pads.allSatisfy({ $0 == 0 }) else {
      throw .unsupported(layer: l.name, reason: "a padded max-pool (pads \(l.pads)) is not supported by the dataflow max-pool yet")
    }
    // Bipolar is encoded 1 = +1, 0 = -1, so its maximum is the unsigned one.
    let parameters: [(name: String, value: String)] = [
      ("IFM_H", "\(l.inputDims[0])"), ("IFM_W", "\(l.inputDims[1])"), ("C", "\(l.channels)"), ("PE", "\(folding.pe)"),
      ("K_H", "\(l.kernel[0])"), ("K_W", "\(l.kernel[1])"), ("STRIDE_H", "\(l.stride[0])"), ("STRIDE_W", "\(l.stride[1])"),
      ("BITS", "\(l.inputBits)"), ("SIGNED", l.signedInput ? "1" : "0"),
    ]
    return ModuleInstance(module: "finch_maxpool", element: element, parameters: parameters)
  }
}
