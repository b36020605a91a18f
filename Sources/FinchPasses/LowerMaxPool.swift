import FinchIR

/// Lowers a 2-D max-pool to a streaming max-pool in NHWC, between explicit
/// transposes. Padding is kept when every window holds an input value (each
/// pad smaller than the kernel along its axis: Darknet's pools), where the
/// padded positions are simply never chosen.
public struct LowerMaxPool: Pass {
  public let name = "lower-maxpool"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes {
      guard case .maxPool(let p) = node.op, Pool.windowsHoldInput(kernel: p.kernel, pads: p.pads), p.dilations.allSatisfy({ $0 == 1 }), !p.ceilMode,
        let i = graph.index(of: node.name)
      else { continue }
      graph.replaceInNHWC(i, streams: [node.inputs[0]], result: "pooled") { _, nhwc, pooled in
        [Node(name: node.name, op: .streamingMaxPool(kernel: p.kernel, strides: p.strides, pads: p.pads), inputs: nhwc, outputs: [pooled])]
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
