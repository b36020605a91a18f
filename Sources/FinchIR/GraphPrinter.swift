extension Graph {
  /// The graph as readable text: inputs, constants, one line per node with its
  /// attributes and typed inputs and outputs, and outputs.
  ///
  /// ```
  /// graph tfc
  ///   input global_in: UINT8[1,1,28,28]
  ///   const Reshape_0_param0: INT64[2]
  ///   Reshape_0 = Reshape(global_in: UINT8[1,1,28,28], Reshape_0_param0: INT64[2]) -> Reshape_0_out0: UINT8[1,784]
  ///   output global_out: FLOAT32[1,10]
  /// ```
  public var text: String {
    func typed(_ name: String) -> String {
      name.isEmpty ? "_" : "\(name): \(type(of: name).map(\.description) ?? "?")"
    }
    var lines = ["graph \(name)"]
    lines += inputs.map { "  input \(typed($0))" }
    let used = nodes.flatMap(\.inputs)
    var seen = Set<String>()
    for name in used where initializers[name] != nil && seen.insert(name).inserted {
      lines.append("  const \(typed(name))")
    }
    for node in nodes {
      let attrs = node.op.attributes
      let attrText = attrs.isEmpty ? "" : "{" + attrs.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + "}"
      lines.append(
        "  \(node.name) = \(node.op.typeName)\(attrText)(\(node.inputs.map(typed).joined(separator: ", "))) -> "
          + node.outputs.map(typed).joined(separator: ", "))
    }
    lines += outputs.map { "  output \(typed($0))" }
    return lines.joined(separator: "\n") + "\n"
  }
}
