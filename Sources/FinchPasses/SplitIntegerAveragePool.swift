import FinchIR

/// Splits a `GlobalAveragePool` on integers into its integer part and a
/// division: `Div(GlobalAccPool(x), H·W)` (the sum in NHWC, between explicit
/// transposes). The sum is an integer a hardware accumulator computes; the
/// division moves on past the layers after it, or joins a quantizer's
/// thresholds. Exact: the interpreter's average is the float32 sum (exact for
/// sums within ±2^24, which GlobalAccPool's type inference requires) divided
/// by the pixel count, which is what the division computes.
public struct SplitIntegerAveragePool: Pass {
  public let name = "split-integer-average-pool"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes {
      guard case .globalAveragePool = node.op, let x = graph.type(of: node.inputs[0]), x.shape.rank == 4, x.dataType.isInteger,
        x.dataType != .bipolar, Double(x.shape[2] * x.shape[3]) * max(abs(x.dataType.min), abs(x.dataType.max)) <= 0x1p24,
        let i = graph.index(of: node.name)
      else { continue }
      let sumNCHW = graph.freshName("\(node.name)_sum_nchw"), count = graph.freshName("\(node.name)_pixels")
      graph.addConstant(count, Tensor(shape: [], floats: [Float(x.shape[2] * x.shape[3])]))
      let pixels = Node(name: node.name, op: .binary(.div), inputs: [sumNCHW, count], outputs: node.outputs)
      graph.nodes[i].outputs = [sumNCHW]
      graph.replaceInNHWC(i, streams: [node.inputs[0]], result: "sum") { graph, nhwc, sum in
        [Node(name: graph.freshName("\(node.name)_acc"), op: .globalAccPool, inputs: nhwc, outputs: [sum])]
      }
      graph.nodes.insert(pixels, at: graph.index(of: graph.producer(of: sumNCHW)!.name)! + 1)
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
