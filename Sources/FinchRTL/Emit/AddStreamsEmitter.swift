import FinchCost

/// Places an AddStreams layer as `finch_add`: PE lanes of both inputs summed
/// into the output's width, each input sign- or zero-extended by its datatype.
public enum AddStreamsEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    let (a, b) = (l.inputType, l.addendType)
    guard a != .bipolar, b != .bipolar else {
      throw .unsupported(layer: l.name, reason: "finch_add sums integers; a bipolar input (\(a.finnName) + \(b.finnName)) has no adder yet")
    }
    guard l.outputBits > max(a.bitWidth, b.bitWidth) else {
      throw .unsupported(
        layer: l.name, reason: "its output (\(l.outputType.finnName)) is not wider than its inputs (\(a.finnName), \(b.finnName)), as finch_add needs")
    }
    return ModuleInstance(
      module: "finch_add", element: element,
      parameters: [("PE", "\(folding.pe)"), ("A_BITS", "\(a.bitWidth)"), ("A_SIGNED", a.isSigned ? "1" : "0"), ("B_BITS", "\(b.bitWidth)"),
                   ("B_SIGNED", b.isSigned ? "1" : "0"), ("OUT_BITS", "\(l.outputBits)")])
  }
}
