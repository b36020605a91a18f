extension Graph {
  /// A value or node name not used yet, derived from `base`: `base` itself when
  /// free, else `base_1`, `base_2`, ... (the first that is free).
  public func freshName(_ base: String) -> String {
    let taken = Set(nodes.map(\.name)).union(nodes.flatMap(\.outputs)).union(initializers.keys).union(inputs)
    if !taken.contains(base) { return base }
    var i = 1
    while taken.contains("\(base)_\(i)") { i += 1 }
    return "\(base)_\(i)"
  }

  /// The index in ``nodes`` of the node named `name`.
  public func index(of name: String) -> Int? { nodes.firstIndex { $0.name == name } }

  /// Adds the constant `tensor` as `name` and records its type: `dataType`, or
  /// the one its storage implies (``ValueType/init(of:dataType:)``).
  public mutating func addConstant(_ name: String, _ tensor: Tensor, dataType: DataType? = nil) {
    initializers[name] = tensor
    types[name] = ValueType(of: tensor, dataType: dataType)
  }

  /// Drops the initializers no node or graph output reads any more, and the
  /// types of values nothing defines any more.
  public mutating func removeDeadValues() {
    let used = Set(nodes.flatMap(\.inputs)).union(outputs)
    initializers = initializers.filter { used.contains($0.key) }
    let live = used.union(inputs).union(nodes.flatMap(\.outputs))
    types = types.filter { live.contains($0.key) }
  }

  /// Makes every reader of `old` (and the graph outputs) read `new` instead.
  public mutating func replaceUses(of old: String, with new: String) {
    for i in nodes.indices { nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 } }
    outputs = outputs.map { $0 == old ? new : $0 }
  }

  /// Whether every element of `value` is a known constant equal to `x`.
  public func isConstant(_ value: String, allEqualTo x: Float) -> Bool {
    initializers[value]?.floats.allSatisfy { $0 == x } ?? false
  }

  /// The only node reading `value`, when exactly one node does and `value` is not a graph output.
  public func soleConsumer(of value: String) -> Node? {
    guard !outputs.contains(value) else { return nil }
    let readers = consumers(of: value)
    return readers.count == 1 ? readers[0] : nil
  }
}

extension ValueType {
  /// The type of a constant: its shape and storage, and `dataType`, or the one
  /// its storage implies (``ElementType/impliedDataType``).
  public init(of tensor: Tensor, dataType: DataType? = nil) {
    self.init(shape: tensor.shape, elementType: tensor.elementType, dataType: dataType ?? tensor.elementType.impliedDataType)
  }
}
