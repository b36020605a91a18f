import FinchCost
import FinchIR

/// Places a LabelSelect layer as `finch_label_select`: one index word per selected label.
public enum LabelSelectEmitter {
  public static func instance(node: Node, graph: Graph, folding: LayerFolding, name: String) throws(RTLError) -> ModuleInstance {
    guard case .labelSelect(let k) = node.op, let x = graph.type(of: node.inputs[0]) else {
      throw .unsupported(layer: node.name, reason: "not a label select layer")
    }
    let labels = x.shape.dims.last ?? 1, pe = folding.pe
    guard labels % pe == 0 else { throw .unsupported(layer: node.name, reason: "PE \(pe) does not divide \(labels) labels") }
    let input = try graph.stream(node.inputs[0], fold: pe, layer: node.name)
    let indexType = DataType.smallestInteger(min: 0, max: Double(max(labels - 1, 1)))
    let output = StreamFormat(dataType: indexType, elementsPerWord: 1)
    return ModuleInstance(
      module: "finch_label_select", name: name,
      parameters: [("LABELS", "\(labels)"), ("PE", "\(pe)"), ("K", "\(k)"), ("BITS", "\(input.format.elementBits)"),
                   ("SIGNED", x.dataType.isSigned && x.dataType != .bipolar ? "1" : "0"), ("IDX_BITS", "\(indexType.bitWidth)")],
      input: input.format, output: output, inputWords: input.words, outputWords: input.words * pe / labels * k)
  }
}
