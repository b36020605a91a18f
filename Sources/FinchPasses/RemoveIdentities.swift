import FinchIR

/// Removes nodes that compute nothing: `Identity`, reshapes and squeezes to the
/// same shape, transposes by the identity permutation.
public struct RemoveIdentities: Pass {
  public let name = "remove-identities"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where isIdentity(node, graph) {
      let input = node.inputs[0], output = node.outputs[0]
      if graph.outputs.contains(output) {
        // Keep the graph's output name: rename the producer's value instead, when there is one.
        guard let producer = graph.producer(of: input), !graph.outputs.contains(input), !graph.inputs.contains(input),
          let i = graph.index(of: producer.name)
        else { continue }
        graph.nodes[i].outputs = producer.outputs.map { $0 == input ? output : $0 }
        graph.replaceUses(of: input, with: output)
      } else {
        graph.replaceUses(of: output, with: input)
      }
      graph.nodes.removeAll { $0.name == node.name }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }

  private func isIdentity(_ node: Node, _ graph: Graph) -> Bool {
    switch node.op {
    case .identity: return true
    case .reshape, .flatten, .squeeze, .unsqueeze:
      return graph.type(of: node.inputs[0])?.shape == graph.type(of: node.outputs[0])?.shape
    case .transpose(let perm): return perm == Array(perm.indices)
    default: return false
    }
  }
}
