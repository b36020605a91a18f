import FinchIR

/// Turns integer linear algebra and thresholds into hardware layers: MatMul with
/// integer accumulators (with the MultiThreshold after it, when its thresholds are
/// finite integers and its levels 32-bit integers of its output type) into an MVAU, XNOR-popcount when inputs
/// and weights are bipolar; the MultiThreshold after a VVAU into the VVAU; a standalone MultiThreshold into Thresholding; a
/// final ArgMax/TopK over the last axis into LabelSelect.
public struct SpecializeLayers: Pass {
  public let name = "specialize-layers"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where graph.index(of: node.name) != nil {
      let done: Bool
      switch node.op {
      case .matMul: done = specializeMatMul(node, &graph)
      case .vvau: done = specializeVVAU(node, &graph)
      case .multiThreshold(let m): done = specializeThresholds(node, m, &graph)
      case .argMax(let axis, _, _): done = labelSelect(node, axis: axis, k: 1, &graph)
      case .topK(let t) where t.largest && t.sorted: done = labelSelect(node, axis: t.axis, k: t.k, &graph)
      default: done = false
      }
      if done {
        try graph.refreshTypes(after: name)
        changed = true
      }
    }
    return changed
  }

  private func specializeMatMul(_ node: Node, _ graph: inout Graph) -> Bool {
    guard let xType = graph.type(of: node.inputs[0]), xType.dataType.isInteger, let w = graph.initializers[node.inputs[1]],
      w.shape.rank == 2, let wType = graph.type(of: node.inputs[1]), w.floats.allSatisfy({ $0 == $0.rounded() }),
      graph.type(of: node.outputs[0])?.dataType.isInteger == true, graph.index(of: node.name) != nil
    else { return false }
    let xnor = xType.dataType == .bipolar && wType.dataType == .bipolar
    fuse(node, MVAU(xnor: xnor), fanIn: w.shape[0], channels: w.shape[1], rank: xType.shape.rank, &graph) { .mvau($0) }
    return true
  }

  /// A VVAU takes the thresholds after it, like an MVAU; a VVAU already holding thresholds is done.
  private func specializeVVAU(_ node: Node, _ graph: inout Graph) -> Bool {
    guard node.inputs.count == 2, let w = graph.initializers[node.inputs[1]], w.shape.rank == 2,
      let xType = graph.type(of: node.inputs[0])
    else { return false }
    return fuse(node, MVAU(xnor: false), fanIn: w.shape[0], channels: w.shape[1], rank: xType.shape.rank, &graph) { .vvau($0) }
  }

  /// Makes `node` (a MatMul or VVAU) the unit `make(plain)`, with the
  /// MultiThreshold that alone reads its output folded in when its thresholds
  /// are finite integers and its levels 32-bit integers of its output type;
  /// returns whether thresholds were folded in.
  @discardableResult
  private func fuse(
    _ node: Node, _ plain: MVAU, fanIn: Int, channels: Int, rank: Int, _ graph: inout Graph, _ make: (MVAU) -> Op
  ) -> Bool {
    let i = graph.index(of: node.name)!
    if let mt = graph.soleConsumer(of: node.outputs[0]), case .multiThreshold(let m) = mt.op, mt.inputs[0] == node.outputs[0],
      m.channelsLast || rank <= 2, let t = graph.initializers[mt.inputs[1]],
      let outScale = Int32(exactly: m.outScale), let outBias = Int32(exactly: m.outBias), m.levelsFit(steps: t.shape[1]),
      t.floats.allSatisfy({ $0.isFinite && $0 == $0.rounded() })
    {
      let steps = t.shape[1]
      var values = t.shape[0] == channels ? t.floats : (0..<channels).flatMap { _ in t.floats }
      if plain.xnor { values = values.map { (($0 + Float(fanIn)) / 2).rounded(.up) } }
      let thresholds = graph.freshName("\(node.name)_thresholds")
      graph.addConstant(thresholds, Tensor(shape: [channels, steps], floats: values))
      let unit = MVAU(xnor: plain.xnor, outScale: Int(outScale), outBias: Int(outBias), outType: m.outType)
      graph.nodes[i] = Node(name: node.name, op: make(unit), inputs: [node.inputs[0], node.inputs[1], thresholds], outputs: mt.outputs)
      graph.nodes.removeAll { $0.name == mt.name }
      return true
    }
    graph.nodes[i] = Node(name: node.name, op: make(plain), inputs: node.inputs, outputs: node.outputs)
    return false
  }

  private func specializeThresholds(_ node: Node, _ m: MultiThreshold, _ graph: inout Graph) -> Bool {
    guard let xType = graph.type(of: node.inputs[0]), xType.dataType.isInteger, let t = graph.initializers[node.inputs[1]],
      m.channelsLast || xType.shape.rank <= 2 || t.shape[0] == 1, let i = graph.index(of: node.name)
    else { return false }
    var hw = m
    hw.channelsLast = true
    graph.nodes[i].op = .thresholding(hw)
    return true
  }

  private func labelSelect(_ node: Node, axis: Int, k: Int, _ graph: inout Graph) -> Bool {
    guard let x = graph.type(of: node.inputs[0]), x.shape.normalizedAxis(axis) == x.shape.rank - 1, x.dataType.isInteger,
      let i = graph.index(of: node.name)
    else { return false }
    let indices: String
    switch node.op {
    case .topK:
      guard graph.consumers(of: node.outputs[0]).isEmpty, !graph.outputs.contains(node.outputs[0]) else { return false }
      indices = node.outputs[1]
    case .argMax(_, let keepDims, false) where keepDims:
      indices = node.outputs[0]
    default:
      return false
    }
    graph.nodes[i] = Node(name: node.name, op: .labelSelect(k: k), inputs: [node.inputs[0]], outputs: [indices])
    return true
  }
}
