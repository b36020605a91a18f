import FinchCost
import FinchIR

/// Places a LabelSelect layer as `finch_label_select`: one index word per selected label.
public enum LabelSelectEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    ModuleInstance(
      module: "finch_label_select", element: element,
      parameters: [("LABELS", "\(l.channels)"), ("PE", "\(folding.pe)"), ("K", "\(l.k)"), ("BITS", "\(l.inputBits)"),
                   ("SIGNED", l.signedInput ? "1" : "0"), ("IDX_BITS", "\(l.outputBits)")])
  }
}
