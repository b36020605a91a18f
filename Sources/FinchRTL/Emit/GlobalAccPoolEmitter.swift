import FinchCost

/// Places a GlobalAccPool layer as `finch_global_acc_pool`: PE channels per
/// word, sums of the output's width.
public enum GlobalAccPoolEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) -> ModuleInstance {
    ModuleInstance(
      module: "finch_global_acc_pool", element: element,
      parameters: [("PIXELS", "\(l.vectors)"), ("C", "\(l.channels)"), ("PE", "\(folding.pe)"), ("IN_BITS", "\(l.inputBits)"),
                   ("IN_SIGNED", l.signedInput ? "1" : "0"), ("OUT_BITS", "\(l.outputBits)")])
  }
}
