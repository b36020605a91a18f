extension Graph {
  /// Orders the nodes so that each comes after the producers of its inputs,
  /// keeping the given order where it already fits (a stable topological sort).
  public mutating func sortTopologically() throws(IRError) {
    var defined = Set(inputs).union(initializers.keys)
    var pending = nodes
    var sorted: [Node] = []
    sorted.reserveCapacity(nodes.count)
    while !pending.isEmpty {
      var rest: [Node] = []
      for node in pending {
        if node.inputs.allSatisfy({ $0.isEmpty || defined.contains($0) }) {
          sorted.append(node)
          defined.formUnion(node.outputs)
        } else {
          rest.append(node)
        }
      }
      if rest.count == pending.count {
        let producible = Set(rest.flatMap(\.outputs))
        for node in rest {
          if let missing = node.inputs.first(where: { !$0.isEmpty && !defined.contains($0) && !producible.contains($0) }) {
            throw .undefinedValue(node: node.name, value: missing)
          }
        }
        throw .cycle(nodes: rest.map(\.name))
      }
      pending = rest
    }
    nodes = sorted
  }

  /// Infers the type of every node output from the graph inputs' types,
  /// in node order. Graph inputs and initializers keep the types they have.
  public mutating func inferTypes() throws(IRError) {
    for name in inputs where types[name] == nil {
      throw .invalidGraph("graph input '\(name)' has no declared type")
    }
    for node in nodes {
      let infos: [InputInfo?] = node.inputs.map { name in
        guard !name.isEmpty, let t = type(of: name) else { return nil }
        return InputInfo(type: t, constant: initializers[name])
      }
      for (i, name) in node.inputs.enumerated() where !name.isEmpty && infos[i] == nil {
        throw .undefinedValue(node: node.name, value: name)
      }
      let out = try node.op.outputTypes(node: node.name, inputs: infos)
      guard out.count >= node.outputs.count else {
        throw .invalidNode(node: node.name, op: node.op.typeName, reason: "has \(node.outputs.count) outputs, the op gives \(out.count)")
      }
      for (name, t) in zip(node.outputs, out) where !name.isEmpty { types[name] = t }
    }
  }
}
