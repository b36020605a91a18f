import FinchIR

/// Takes a common scale out of a concatenation: `Concat(Mul(a, s), Mul(b, s), …)`
/// becomes `Mul(Concat(a, b, …), s)` when every input is an integer tensor
/// scaled by the same scalar constant (branches that share one quantizer, as
/// Brevitas exports an Inception-style join or a Darknet route). The
/// concatenation of integers is then an integer tensor a hardware layer
/// streams, and the scale moves on to the thresholds after it. Exact: each
/// element is multiplied by the same scale either way.
public struct FactorScaleOutOfConcat: Pass {
  public let name = "factor-scale-out-of-concat"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for concat in graph.nodes {
      guard case .concat = concat.op, concat.inputs.count >= 2, Set(concat.inputs).count == concat.inputs.count else { continue }
      let parts = concat.inputs.map { scaled($0, by: concat, graph) }
      guard let first = parts[0], let s = graph.initializers[first.scale], s.count == 1,
        parts.allSatisfy({ $0.map { graph.initializers[$0.scale] == s && graph.type(of: $0.value)?.dataType.isInteger == true } ?? false }),
        let i = graph.index(of: concat.name)
      else { continue }
      let joined = graph.freshName("\(concat.name)_levels")
      let mul = Node(name: graph.freshName("\(concat.name)_scale"), op: .binary(.mul), inputs: [joined, first.scale], outputs: concat.outputs)
      graph.nodes[i] = Node(name: concat.name, op: concat.op, inputs: parts.map { $0!.value }, outputs: [joined])
      graph.nodes.insert(mul, at: i + 1)
      let removed = Set(parts.map { $0!.node })
      graph.nodes.removeAll { removed.contains($0.name) }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }

  /// `value` as `Mul(tensor, constant)` read only by `concat`, the tensor of `value`'s shape.
  private func scaled(_ value: String, by concat: Node, _ graph: Graph) -> (node: String, value: String, scale: String)? {
    guard graph.soleConsumer(of: value)?.name == concat.name, let mul = graph.producer(of: value), case .binary(.mul) = mul.op,
      mul.inputs.count == 2, let c = mul.inputs.firstIndex(where: { graph.initializers[$0] != nil }), graph.initializers[mul.inputs[1 - c]] == nil,
      graph.type(of: mul.inputs[1 - c])?.shape == graph.type(of: value)?.shape
    else { return nil }
    return (mul.name, mul.inputs[1 - c], mul.inputs[c])
  }
}
