import FinchIR

/// Lowers the sum of two computed integer tensors of the same shape (a
/// residual join) to an AddStreams layer: in NHWC between explicit transposes
/// for NCHW feature maps, directly for `[N, C]` vectors.
public struct LowerAddToStreams: Pass {
  public let name = "lower-add-to-streams"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes {
      guard case .binary(.add) = node.op, node.inputs.count == 2, node.inputs.allSatisfy({ graph.initializers[$0] == nil }),
        let a = graph.type(of: node.inputs[0]), let b = graph.type(of: node.inputs[1]), a.shape == b.shape,
        a.shape.rank == 4 || a.shape.rank == 2, graph.type(of: node.outputs[0])?.dataType.isInteger == true,
        let i = graph.index(of: node.name)
      else { continue }
      guard a.shape.rank == 4 else {
        graph.nodes[i].op = .addStreams
        changed = true
        continue
      }
      graph.replaceInNHWC(i, streams: node.inputs, result: "sum") { _, streams, sum in
        [Node(name: node.name, op: .addStreams, inputs: streams, outputs: [sum])]
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
