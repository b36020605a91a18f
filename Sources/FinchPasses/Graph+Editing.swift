import FinchIR

extension Graph {
  /// A value or node name not used yet, derived from `base`.
  func freshName(_ base: String) -> String {
    let taken = Set(nodes.map(\.name)).union(nodes.flatMap(\.outputs)).union(initializers.keys).union(inputs)
    if !taken.contains(base) { return base }
    var i = 1
    while taken.contains("\(base)_\(i)") { i += 1 }
    return "\(base)_\(i)"
  }

  /// Index of the node named `name`.
  func index(of name: String) -> Int? { nodes.firstIndex { $0.name == name } }

  /// Adds a constant and records its type.
  mutating func addConstant(_ name: String, _ tensor: Tensor, dataType: DataType? = nil) {
    initializers[name] = tensor
    types[name] = ValueType(
      shape: tensor.shape, elementType: tensor.elementType,
      dataType: dataType ?? (tensor.elementType == .int64 ? .int(64) : .float32))
  }

  /// Drops initializers and types no node or output refers to any more.
  mutating func removeDeadValues() {
    let used = Set(nodes.flatMap(\.inputs)).union(outputs)
    initializers = initializers.filter { used.contains($0.key) }
    let live = used.union(inputs).union(nodes.flatMap(\.outputs))
    types = types.filter { live.contains($0.key) }
  }

  /// Re-infers every node output's type after an edit, naming `pass` on failure.
  mutating func refreshTypes(after pass: String) throws(PassError) {
    removeDeadValues()
    do {
      try sortTopologically()
      try inferTypes()
    } catch {
      throw .invalidResult(pass: pass, error)
    }
  }

  /// Whether every element of `value` is a known constant equal to `x`.
  func isConstant(_ value: String, allEqualTo x: Float) -> Bool {
    initializers[value]?.floats.allSatisfy { $0 == x } ?? false
  }

  /// The only node reading `value`, when exactly one node does and `value` is not a graph output.
  func soleConsumer(of value: String) -> Node? {
    guard !outputs.contains(value) else { return nil }
    let readers = consumers(of: value)
    return readers.count == 1 ? readers[0] : nil
  }
}
