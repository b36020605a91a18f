import FinchCost
import FinchIR

/// Places a Thresholding layer as `finch_thresholding`: a ROM of output levels
/// for every possible input value of every channel (``HardwareLayer/levels()``,
/// computed by the reference interpreter), so the hardware cannot disagree with the graph.
public enum ThresholdingEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) throws(RTLError) -> ModuleInstance {
    guard l.inputBits <= HardwareLayer.maxTableInputBits else {
      throw .unsupported(
        layer: l.name, reason: "\(l.inputBits)-bit inputs; the table thresholding unit takes at most \(HardwareLayer.maxTableInputBits)")
    }
    let file = "\(element.instance)_levels.mem"
    return ModuleInstance(
      module: "finch_thresholding", element: element,
      parameters: [("C", "\(l.channels)"), ("PE", "\(folding.pe)"), ("I_BITS", "\(l.inputBits)"), ("O_BITS", "\(l.outputBits)"),
                   ("SHARED", l.sharedThresholds ? "1" : "0"), ("LEVEL_FILE", ModuleInstance.string(file))],
      memoryFiles: [file: memoryFile(try memory(l, folding))])
  }

  private static func memory(_ l: HardwareLayer, _ folding: LayerFolding) throws(RTLError) -> [BitWord] {
    do { return try l.levelMemory(folding) } catch { throw .layer(error) }
  }
}
