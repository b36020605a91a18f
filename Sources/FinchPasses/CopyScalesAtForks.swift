import FinchIR

/// Gives every consumer of a scaled value its own copy of the scale: a `Mul`
/// or `Div` by a constant whose output several nodes read (a fork: a residual
/// block's input, two convolutions on one tensor) becomes one node per reader,
/// so that each copy can move past its own consumer or join its own
/// quantizer's thresholds. The values are the same; only the work is repeated.
public struct CopyScalesAtForks: Pass {
  public let name = "copy-scales-at-forks"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where isScale(node, graph) {
      let readers = graph.consumers(of: node.outputs[0])
      guard readers.count > 1, !graph.outputs.contains(node.outputs[0]) else { continue }
      for reader in readers.dropFirst() {
        let copy = Node(
          name: graph.freshName("\(node.name)_for_\(reader.name)"), op: node.op, inputs: node.inputs,
          outputs: [graph.freshName("\(node.outputs[0])_for_\(reader.name)")])
        let r = graph.index(of: reader.name)!
        graph.nodes[r].inputs = reader.inputs.map { $0 == node.outputs[0] ? copy.outputs[0] : $0 }
        graph.nodes.append(copy)
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }

  /// A `Mul` by a constant (either side) or a `Div` by one, on a computed value.
  private func isScale(_ node: Node, _ graph: Graph) -> Bool {
    guard node.inputs.count == 2 else { return false }
    let constant = node.inputs.map { graph.initializers[$0] != nil }
    switch node.op {
    case .binary(.mul): return constant[0] != constant[1]
    case .binary(.div): return !constant[0] && constant[1]
    default: return false
    }
  }
}
