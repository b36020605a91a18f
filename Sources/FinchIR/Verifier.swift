extension Graph {
  /// Checks the graph's structure and types: unique names, single definitions,
  /// graph inputs and outputs listed once, no dangling values, nodes in
  /// topological order, and every node's inputs fitting its op (types are
  /// re-inferred, which also checks each op's parameters and shape limits, and
  /// compared with those recorded).
  public func verify() throws(IRError) {
    var nodeNames = Set<String>()
    var defined = Set<String>()
    for name in inputs where !defined.insert(name).inserted {
      throw .invalidGraph("graph input '\(name)' is listed more than once")
    }
    var listed = Set<String>()
    for name in outputs where !listed.insert(name).inserted {
      throw .invalidGraph("graph output '\(name)' is listed more than once")
    }
    for name in initializers.keys.sorted() {
      guard defined.insert(name).inserted else { throw .redefinedValue(name) }
    }
    for node in nodes {
      guard nodeNames.insert(node.name).inserted else {
        throw .invalidGraph("node name '\(node.name)' is used more than once")
      }
      for name in node.inputs where !name.isEmpty && !defined.contains(name) {
        throw .undefinedValue(node: node.name, value: name)
      }
      for name in node.outputs where !name.isEmpty {
        guard defined.insert(name).inserted else { throw .redefinedValue(name) }
      }
    }
    for name in outputs where !defined.contains(name) {
      throw .invalidGraph("graph output '\(name)' is not defined")
    }
    var reinferred = self
    try reinferred.inferTypes()
    for node in nodes {
      for name in node.outputs where !name.isEmpty {
        guard let recorded = types[name], recorded == reinferred.types[name] else {
          throw .invalidNode(
            node: node.name, op: node.op.typeName,
            reason: "output '\(name)' is recorded as \(types[name].map(\.description) ?? "untyped") but infers as \(reinferred.types[name].map(\.description) ?? "nothing")")
        }
      }
    }
  }
}
