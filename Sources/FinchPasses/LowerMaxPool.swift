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
      let nhwc = graph.freshName("\(node.name)_nhwc"), pooled = graph.freshName("\(node.name)_pooled")
      graph.nodes.replaceSubrange(i...i, with: [
        Node(name: graph.freshName("\(node.name)_to_nhwc"), op: .transpose(perm: [0, 2, 3, 1]), inputs: [node.inputs[0]], outputs: [nhwc]),
        Node(name: node.name, op: .streamingMaxPool(kernel: p.kernel, strides: p.strides, pads: p.pads), inputs: [nhwc], outputs: [pooled]),
        Node(name: graph.freshName("\(node.name)_to_nchw"), op: .transpose(perm: [0, 3, 1, 2]), inputs: [pooled], outputs: node.outputs),
      ])
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
