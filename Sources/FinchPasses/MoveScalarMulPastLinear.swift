import FinchIR

/// Moves a multiplication by a scalar constant (or a division by one) past the
/// op that consumes it — MatMul/Conv with constant weights, MaxPool (positive
/// scalars), GlobalAveragePool, and layout ops — so that linear layers see
/// integer inputs and the scale joins the activation chain after them. Exact
/// when the scalar is a power of two; otherwise the product is rounded once
/// after the dot product (or the average) instead of per element.
public struct MoveScalarMulPastLinear: Pass {
  public let name = "move-mul-past-linear"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    while let (mul, next, x, c) = candidate(graph) {
      guard let m = graph.index(of: mul.name), let n = graph.index(of: next.name) else { break }
      let moved = graph.freshName("\(next.name)_unscaled")
      let original = next.outputs[0]
      graph.nodes[n].inputs[0] = x
      graph.nodes[n].outputs[0] = moved
      graph.nodes[m].inputs = [moved, c]
      graph.nodes[m].outputs = [original]
      let node = graph.nodes.remove(at: m)
      graph.nodes.insert(node, at: graph.index(of: next.name)! + 1)
      try graph.refreshTypes(after: name)
      changed = true
    }
    return changed
  }

  /// The first Mul by a scalar constant (or Div by one) whose only consumer lets it pass.
  private func candidate(_ graph: Graph) -> (Node, Node, String, String)? {
    for node in graph.nodes {
      guard case .binary(let b) = node.op, b == .mul || b == .div, node.inputs.count == 2 else { continue }
      let constantSide = b == .div ? (graph.initializers[node.inputs[1]]?.count == 1 ? 1 : nil)
        : node.inputs.firstIndex { graph.initializers[$0]?.count == 1 }
      guard let ci = constantSide, graph.initializers[node.inputs[1 - ci]] == nil,
        let next = graph.soleConsumer(of: node.outputs[0]), next.inputs.first == node.outputs[0],
        next.inputs.dropFirst().allSatisfy({ graph.initializers[$0] != nil })
      else { continue }
      let c = graph.initializers[node.inputs[ci]]!.floats[0]
      switch next.op {
      case .matMul, .reshape, .flatten, .transpose, .squeeze, .unsqueeze, .identity, .globalAveragePool: break
      case .conv where next.inputs.count == 2: break
      case .maxPool where c > 0: break
      default: continue
      }
      if case .matMul = next.op, graph.type(of: node.outputs[0])?.shape.rank ?? 0 > 2 { continue }
      return (node, next, node.inputs[1 - ci], node.inputs[ci])
    }
    return nil
  }
}
