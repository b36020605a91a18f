import FinchCost
import FinchIR

/// Places a VVAU as `finch_vvau` (Resources/verilog/finch_vvau.v): PE
/// channels per word, one window position at a time, with the weight and
/// threshold memories ``HardwareLayer/weightMemory(_:laneBits:)`` and
/// ``HardwareLayer/thresholdMemory(_:fieldBits:)`` pack (SIMD 1: entry `g·K + k`
/// holds the weights of channel group `g` at window position `k`).
public enum VVAUEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    func unsupported(_ reason: String) -> RTLError { .unsupported(layer: l.name, reason: reason) }
    let (aType, wType, oType) = (l.inputType, l.weightType, l.outputType)
    guard aType != .bipolar, aType.bitWidth <= 24, wType.bitWidth <= 24, l.accumulatorRegisterBits <= 31, l.thresholdBits <= 31 else {
      throw unsupported("\(aType) inputs, \(wType) weights and their \(l.accumulatorRegisterBits)-bit sums do not fit finch_vvau's 32-bit arithmetic")
    }
    if l.thresholds == 0, oType == .bipolar { throw unsupported("a bipolar output needs thresholds") }
    let name = element.instance
    let weightFile = "\(name)_weights.mem", threshFile = "\(name)_thresholds.mem"
    let unit = LayerFolding(pe: folding.pe, simd: 1)
    var files = [weightFile: memoryFile(l.weightMemory(unit))]
    if l.thresholds > 0 { files[threshFile] = memoryFile(l.thresholdMemory(unit)) }
    func flag(_ b: Bool) -> String { b ? "1" : "0" }
    var parameters: [(name: String, value: String)] = [
      ("K", "\(l.mw)"), ("C", "\(l.channels)"), ("PE", "\(folding.pe)"),
      ("A_BITS", "\(aType.bitWidth)"), ("A_SIGNED", flag(aType.isSigned)),
      ("W_BITS", "\(wType.bitWidth)"), ("W_SIGNED", flag(wType.isSigned && wType != .bipolar)), ("W_BIPOLAR", flag(wType == .bipolar)),
      ("ACC_BITS", "\(l.accumulatorRegisterBits)"), ("N_THRESH", "\(l.thresholds)"), ("T_BITS", "\(l.thresholdBits)"),
      ("O_BITS", "\(oType.bitWidth)"), ("O_BIPOLAR", flag(oType == .bipolar)),
      ("OUT_SCALE", "\(l.thresholds > 0 ? l.outScale : 1)"), ("OUT_BIAS", "\(l.thresholds > 0 ? l.outBias : 0)"),
      ("WEIGHT_FILE", ModuleInstance.string(weightFile)),
    ]
    if l.thresholds > 0 { parameters.append(("THRESH_FILE", ModuleInstance.string(threshFile))) }
    return ModuleInstance(module: "finch_vvau", element: element, parameters: parameters, memoryFiles: files)
  }
}
