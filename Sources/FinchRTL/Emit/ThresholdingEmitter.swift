import FinchCost
import FinchIR
import FinchInterpreter

/// Places a Thresholding layer as `finch_thresholding`: a ROM of output levels
/// computed by the reference interpreter for every possible input value of
/// every channel, so the hardware cannot disagree with the graph.
public enum ThresholdingEmitter {
  /// The widest input the table form supports (2^12 entries per channel group).
  public static let maxInputBits = 12

  public static func instance(node: Node, graph: Graph, folding: LayerFolding, name: String) throws(RTLError) -> ModuleInstance {
    guard case .thresholding = node.op, let x = graph.type(of: node.inputs[0]), let thresholds = graph.initializers[node.inputs[1]] else {
      throw .unsupported(layer: node.name, reason: "not a thresholding layer with constant thresholds")
    }
    let c = x.shape.dims.last ?? 1, pe = folding.pe
    guard c % pe == 0 else { throw .unsupported(layer: node.name, reason: "PE \(pe) does not divide \(c) channels") }
    let input = try graph.stream(node.inputs[0], fold: pe, layer: node.name)
    let output = try graph.stream(node.outputs[0], fold: pe, layer: node.name)
    let inBits = input.format.elementBits
    guard inBits <= maxInputBits else {
      throw .unsupported(layer: node.name, reason: "\(inBits)-bit inputs; the table thresholding unit takes at most \(maxInputBits)")
    }
    let shared = thresholds.shape[0] == 1
    let groups = shared ? 1 : c / pe
    // levels[v][channel]: the output for input encoding v.
    var levels: [[Int64]] = []
    for v in 0..<(1 << inBits) {
      let value = Float(input.format.decode(UInt64(v)))
      let probe = Tensor(shape: [1, c], floats: [Float](repeating: value, count: c))
      do {
        levels.append(try Kernels.evaluate(node.op, [probe, thresholds])[0].int64s)
      } catch {
        throw .unsupported(layer: node.name, reason: error.reason)
      }
    }
    var lines: [String] = []
    let digits = (output.format.elementBits + 3) / 4
    for p in 0..<pe {
      for g in 0..<groups {
        for v in 0..<(1 << inBits) {
          let hex = String(output.format.encode(levels[v][g * pe + p]), radix: 16)
          lines.append(String(repeating: "0", count: max(0, digits - hex.count)) + hex)
        }
      }
    }
    let file = "\(name)_levels.mem"
    return ModuleInstance(
      module: "finch_thresholding", name: name,
      parameters: [("C", "\(c)"), ("PE", "\(pe)"), ("I_BITS", "\(inBits)"), ("O_BITS", "\(output.format.elementBits)"),
                   ("SHARED", shared ? "1" : "0"), ("LEVEL_FILE", ModuleInstance.string(file))],
      memoryFiles: [file: lines.joined(separator: "\n") + "\n"], input: input.format, output: output.format,
      inputWords: input.words, outputWords: output.words)
  }
}

