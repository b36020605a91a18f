import FinchIR
import FinchInterpreter

/// Replaces quantizers applied to constant weights by integer weight tensors
/// with their datatype, moving a non-unit scale behind the consuming
/// MatMul/Conv as a per-output-channel `Mul` (exact for power-of-two scales).
/// A quantizer with scalar parameters whose weights pass through a layout op
/// (`Transpose`, `Reshape`: Brevitas exports a Linear layer's weights so)
/// first trades places with it, as elementwise functions commute with layout.
public struct FoldWeightQuantizers: Pass {
  public let name = "fold-weight-quantizers"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where graph.index(of: node.name) != nil {
      if let layout = layoutAfter(node, graph) {
        let (q, l) = (graph.index(of: node.name)!, graph.index(of: layout.name)!)
        let moved = graph.freshName("\(node.inputs[0])_\(layout.name)")
        graph.nodes[l].inputs[0] = node.inputs[0]
        graph.nodes[l].outputs = [moved]
        graph.nodes[q].inputs[0] = moved
        graph.nodes[q].outputs = layout.outputs
        changed = true
        continue
      }
      guard let levels = try integerLevels(node, graph), let out = node.outputs.first,
        let outType = graph.types[out]
      else { continue }
      let scale = graph.initializers[node.inputs[1]]!
      let integerType = integerWeightType(node, graph)
      if scale.floats.allSatisfy({ $0 == 1 }) {
        graph.nodes.removeAll { $0.name == node.name }
        graph.addConstant(out, levels, dataType: integerType)
        changed = true
        continue
      }
      guard let rescale = try perOutputScale(scale, weights: outType.shape, for: out, graph) else { continue }
      let weights = graph.freshName("\(node.name)_int")
      graph.addConstant(weights, levels, dataType: integerType)
      graph.nodes.removeAll { $0.name == node.name }
      for consumer in graph.consumers(of: out) {
        guard let i = graph.index(of: consumer.name) else { continue }
        let product = graph.freshName("\(consumer.name)_unscaled")
        let original = consumer.outputs[0]
        graph.nodes[i].inputs[1] = weights
        graph.nodes[i].outputs[0] = product
        let s = graph.freshName("\(consumer.name)_weight_scale")
        graph.addConstant(s, rescale(consumer))
        graph.nodes.insert(
          Node(name: graph.freshName("\(consumer.name)_rescale"), op: .binary(.mul), inputs: [product, s], outputs: [original]),
          at: i + 1)
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }

  /// The layout op that alone reads the output of `node`, a quantizer of
  /// constant weights with scalar parameters, its other inputs constant.
  private func layoutAfter(_ node: Node, _ graph: Graph) -> Node? {
    guard node.op.isQuantizer, node.inputs.count >= 2, node.inputs.allSatisfy({ graph.initializers[$0] != nil }),
      node.inputs.dropFirst().allSatisfy({ graph.initializers[$0]?.count == 1 }),
      let next = graph.soleConsumer(of: node.outputs[0]), next.inputs.first == node.outputs[0],
      next.inputs.dropFirst().allSatisfy({ graph.initializers[$0] != nil })
    else { return nil }
    switch next.op {
    case .transpose, .reshape, .flatten, .squeeze, .unsqueeze: return next
    default: return nil
    }
  }

  /// The integer levels of a zero-offset quantizer whose inputs are all constant.
  private func integerLevels(_ node: Node, _ graph: Graph) throws(PassError) -> Tensor? {
    guard node.op.isQuantizer, node.inputs.count >= 2 else { return nil }
    let args = node.inputs.map { graph.initializers[$0] }
    guard args.allSatisfy({ $0 != nil }), let x = args[0], let scale = args[1] else { return nil }
    do {
      switch node.op {
      case .quant(let q):
        guard let zp = args[2], let bits = args[3], zp.floats.allSatisfy({ $0 == 0 }) else { return nil }
        return try Semantics.quantLevels(x, scale: scale, zeroPoint: zp, bitWidth: bits, q)
      case .bipolarQuant:
        return try Semantics.quantLevels(
          x, scale: scale, zeroPoint: Tensor(scalar: 0), bitWidth: Tensor(scalar: 1), Quant(signed: true, narrow: false, rounding: .round))
      default:
        return nil
      }
    } catch {
      throw .failed(pass: name, node: node.name, reason: error.reason)
    }
  }

  /// The datatype the quantizer declares for its integer levels.
  private func integerWeightType(_ node: Node, _ graph: Graph) -> DataType {
    guard case .quant(let q) = node.op, let bits = graph.initializers[node.inputs[3]].flatMap(Quant.bitWidth(of:)) else {
      return .bipolar
    }
    return Quant.levelType(bits: bits, signed: q.signed)
  }

  /// For a scale that is scalar or varies only along the output channels of
  /// every consumer, a function giving the scale shaped for that consumer's output.
  private func perOutputScale(
    _ scale: Tensor, weights: Shape, for value: String, _ graph: Graph
  ) throws(PassError) -> ((Node) -> Tensor)? {
    let consumers = graph.consumers(of: value)
    guard !consumers.isEmpty, !graph.outputs.contains(value) else { return nil }
    for c in consumers {
      guard c.inputs.count == 2, c.inputs[1] == value else { return nil }
      switch c.op {
      case .matMul where weights.rank == 2:
        guard scale.count == 1 || scale.shape.dims.reversed().drop(while: { $0 == 1 }).count <= 1 && scale.shape.dims.last == weights[1]
        else { return nil }
      case .conv where weights.rank == 4:
        guard scale.count == 1 || (scale.count == weights[0] && scale.shape.dims.first(where: { $0 != 1 }) == weights[0]
          && scale.shape.rank == 4 && scale.shape[0] == weights[0])
        else { return nil }
      default:
        return nil
      }
    }
    return { consumer in
      if scale.count == 1 { return Tensor(scalar: scale.floats[0]) }
      if case .conv = consumer.op { return scale.reshaped([1, scale.count, 1, 1]) }
      return scale.reshaped([1, scale.count])
    }
  }
}
