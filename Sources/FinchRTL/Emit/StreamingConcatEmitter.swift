import FinchCost

/// Places a StreamingConcat layer as `finch_concat`: per pixel, the first
/// input's `C0/PE` words, then the second's `C1/PE`, PE lanes per word.
public enum StreamingConcatEmitter {
  public static func instance(_ l: HardwareLayer, _ folding: LayerFolding, _ element: DataflowPipeline.Element) -> ModuleInstance {
    let words = l.concatWords(folding)
    return ModuleInstance(
      module: "finch_concat", element: element, parameters: [("WIDTH", "\(element.output.wordBits)"), ("W0", "\(words[0])"), ("W1", "\(words[1])")])
  }
}
