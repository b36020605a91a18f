import FinchCost
import FinchIR

/// Places an MVAU as `finch_mvau` (Resources/verilog/finch_mvau.v): its
/// parameters and the weight and threshold memories that
/// ``HardwareLayer/weightMemory(_:)`` and ``HardwareLayer/thresholdMemory(_:)`` pack.
public enum MVAUEmitter {
  /// The widest weight magnitude the module's multipliers take.
  public static let maxWeightMagnitude: Int64 = 1 << 24

  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    func unsupported(_ reason: String) -> RTLError { .unsupported(layer: l.name, reason: reason) }
    let (aType, wType, oType) = (l.inputType, l.weightType, l.outputType)
    guard l.weights.allSatisfy({ abs($0) <= maxWeightMagnitude }) else { throw unsupported("weights are not integers of at most 24 bits") }
    if l.xnor, aType != .bipolar || wType != .bipolar {
      throw unsupported("XNOR mode needs bipolar inputs and weights, got \(aType) and \(wType)")
    }
    guard l.xnor || aType.bitWidth <= 32 else { throw unsupported("\(aType) inputs are wider than the module's 32-bit inputs") }
    if l.thresholds == 0, oType == .bipolar { throw unsupported("a bipolar output needs thresholds") }
    let name = element.instance
    let weightFile = "\(name)_weights.mem"
    var files = [weightFile: memoryFile(l.weightMemory(folding))]
    let threshFile = "\(name)_thresholds.mem"
    if l.thresholds > 0 { files[threshFile] = memoryFile(l.thresholdMemory(folding)) }
    func flag(_ b: Bool) -> String { b ? "1" : "0" }
    var parameters: [(name: String, value: String)] = [
      ("MW", "\(l.mw)"), ("MH", "\(l.mh)"), ("PE", "\(folding.pe)"), ("SIMD", "\(folding.simd)"),
      ("A_BITS", "\(aType.bitWidth)"), ("A_SIGNED", flag(aType.isSigned && aType != .bipolar)), ("A_BIPOLAR", flag(aType == .bipolar)),
      ("W_BITS", "\(wType.bitWidth)"), ("W_SIGNED", flag(wType.isSigned && wType != .bipolar)), ("W_BIPOLAR", flag(wType == .bipolar)),
      ("XNOR", flag(l.xnor)), ("ACC_BITS", "\(l.accumulatorRegisterBits)"), ("N_THRESH", "\(l.thresholds)"), ("T_BITS", "\(l.thresholdBits)"),
      ("O_BITS", "\(oType.bitWidth)"), ("O_BIPOLAR", flag(oType == .bipolar)),
      ("OUT_SCALE", "\(l.thresholds > 0 ? l.outScale : 1)"), ("OUT_BIAS", "\(l.thresholds > 0 ? l.outBias : 0)"),
      ("WEIGHT_FILE", ModuleInstance.string(weightFile)),
    ]
    if l.thresholds > 0 { parameters.append(("THRESH_FILE", ModuleInstance.string(threshFile))) }
    return ModuleInstance(module: "finch_mvau", element: element, parameters: parameters, memoryFiles: files)
  }
}

/// A `$readmemh` file of `words`, one per line.
func memoryFile(_ words: [BitWord]) -> String {
  words.map(\.hex).joined(separator: "\n") + "\n"
}
