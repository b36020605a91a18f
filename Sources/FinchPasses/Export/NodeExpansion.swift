import FinchIR

/// Replaces one node by new nodes and constants named after it, in place: every
/// new name is fresh, new nodes stand where the node stood in the order they are
/// emitted, and ``finish(in:)`` removes the node. The export passes share it.
struct NodeExpansion {
  /// The node being replaced.
  let node: Node
  /// The pass, named in errors.
  let pass: String
  /// Where the next new node goes (the node itself stands there).
  private var position: Int

  /// Replaces every node that `matches` selects (in node order, against the graph
  /// as edited so far) by what `write` emits, then re-infers types. Whether any
  /// node was replaced.
  static func expandAll(
    in graph: inout Graph, pass: String, where matches: (Node, Graph) -> Bool,
    _ write: (inout NodeExpansion, inout Graph) throws(PassError) -> Void
  ) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where matches(node, graph) {
      var e = NodeExpansion(node, in: graph, pass: pass)
      try write(&e, &graph)
      e.finish(in: &graph)
      changed = true
    }
    if changed { try graph.refreshTypes(after: pass) }
    return changed
  }

  init(_ node: Node, in graph: Graph, pass: String) {
    self.node = node
    self.pass = pass
    position = graph.index(of: node.name) ?? graph.nodes.count
  }

  /// A failure naming the node, its op and what about it (`field`) is at fault.
  func fail(_ field: String, _ reason: String) -> PassError {
    .failed(pass: pass, node: node.name, reason: "\(node.op.typeName)\(field.isEmpty ? "" : " " + field): \(reason)")
  }

  /// Adds the constant `t` as `<node>_<suffix>` (made fresh) and returns its name.
  func constant(_ suffix: String, _ t: Tensor, _ dataType: DataType? = nil, in graph: inout Graph) -> String {
    let name = graph.freshName("\(node.name)_\(suffix)")
    graph.addConstant(name, t, dataType: dataType)
    return name
  }

  /// Inserts the node `<node>_<suffix>` applying `op` to `inputs` and returns its
  /// output: `output` when given, else a fresh `<node>_<suffix>_out`.
  mutating func emit(_ suffix: String, _ op: Op, _ inputs: [String], output: String? = nil, in graph: inout Graph) -> String {
    let out = output ?? graph.freshName("\(node.name)_\(suffix)_out")
    graph.nodes.insert(Node(name: graph.freshName("\(node.name)_\(suffix)"), op: op, inputs: inputs, outputs: [out]), at: position)
    position += 1
    return out
  }

  /// Removes the replaced node.
  func finish(in graph: inout Graph) { graph.nodes.remove(at: position) }

  /// The quantizer's bit width (input 3), which must be a constant to be written as `format`.
  func constantBitWidth(in graph: Graph, format: String) throws(PassError) -> Int {
    guard node.inputs.count >= 4, let t = graph.initializers[node.inputs[3]] else {
      throw fail("bit width", "must be a constant to write \(format)")
    }
    guard let b = Quant.bitWidth(of: t) else {
      throw fail("bit width", "must be one integer in \(Quant.bitWidths), got \(t.floats.prefix(3))")
    }
    return b
  }

  /// A scale (or zero point) that broadcasts against a value of rank `rank`, in
  /// ONNX's per-tensor (scalar) or per-axis (1-D plus axis) form.
  func perAxis(_ t: Tensor, rank: Int) throws(PassError) -> (Tensor, axis: Int) {
    if t.count == 1 { return (t.reshaped([]), 1) }
    let dims = t.shape.dims
    let varying = dims.indices.filter { dims[$0] != 1 }
    guard dims.count <= rank, varying.count == 1 else {
      throw fail("scale", "QDQ needs a scalar scale or one that varies along a single axis, got shape \(t.shape)")
    }
    return (t.reshaped([t.count]), rank - dims.count + varying[0])
  }
}

extension Node {
  /// Whether the node is a `Quant` or `BipolarQuant`.
  var isQuantOrBipolarQuant: Bool {
    switch op {
    case .quant, .bipolarQuant: return true
    default: return false
    }
  }

  /// Whether the node is a `Quant` or `BipolarQuant` on constant weights (every input a constant).
  func isWeightQuantizer(in graph: Graph) -> Bool {
    isQuantOrBipolarQuant && !inputs.isEmpty && inputs.allSatisfy { !$0.isEmpty && graph.initializers[$0] != nil }
  }
}
