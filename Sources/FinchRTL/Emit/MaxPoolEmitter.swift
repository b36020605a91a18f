import FinchCost
import FinchIR

/// Places a streaming max-pool as `finch_maxpool`: non-overlapping windows
/// (stride equal to kernel), PE channels per word, one input word per cycle.
public enum MaxPoolEmitter {
  public static func instance(node: Node, graph: Graph, folding: LayerFolding, name: String) throws(RTLError) -> ModuleInstance {
    guard case .streamingMaxPool(let kernel, let strides) = node.op, let x = graph.type(of: node.inputs[0]) else {
      throw .unsupported(layer: node.name, reason: "not a streaming max-pool")
    }
    guard x.shape.rank == 4 else { throw .unsupported(layer: node.name, reason: "needs NHWC input, got \(x.shape)") }
    guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 }) else {
      throw .unsupported(layer: node.name, reason: "2-D kernels only, got \(kernel)")
    }
    guard strides == kernel else {
      throw .unsupported(
        layer: node.name,
        reason: "only non-overlapping windows (strides equal to the kernel) are supported, got kernel \(kernel) strides \(strides)")
    }
    let (h, w, c, pe) = (x.shape[1], x.shape[2], x.shape[3], folding.pe)
    guard pe >= 1, c % pe == 0 else { throw .unsupported(layer: node.name, reason: "PE \(pe) does not divide \(c) channels") }
    guard h >= kernel[0], w >= kernel[1] else {
      throw .unsupported(layer: node.name, reason: "the kernel \(kernel) does not fit the \(h)x\(w) input")
    }
    let input = try graph.stream(node.inputs[0], fold: pe, layer: node.name)
    let output = try graph.stream(node.outputs[0], fold: pe, layer: node.name)
    // Bipolar is encoded 1 = +1, 0 = -1, so its maximum is the unsigned one.
    let signed = x.dataType.isSigned && x.dataType != .bipolar
    let parameters: [(name: String, value: String)] = [
      ("IFM_H", "\(h)"), ("IFM_W", "\(w)"), ("C", "\(c)"), ("PE", "\(pe)"),
      ("K_H", "\(kernel[0])"), ("K_W", "\(kernel[1])"), ("STRIDE_H", "\(strides[0])"), ("STRIDE_W", "\(strides[1])"),
      ("BITS", "\(input.format.elementBits)"), ("SIGNED", signed ? "1" : "0"),
    ]
    return ModuleInstance(
      module: "finch_maxpool", name: name, parameters: parameters, input: input.format, output: output.format,
      inputWords: input.words, outputWords: output.words)
  }
}
