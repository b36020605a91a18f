/// Work and storage of one node: multiply-accumulates and weight parameters.
public struct LayerSummary: Hashable, Sendable, Codable {
  /// Node name.
  public var name: String
  /// ONNX op type.
  public var op: String
  /// Input types, in order (`"?"` where unknown, `"_"` for omitted inputs).
  public var inputs: [String]
  /// Output types, in order.
  public var outputs: [String]
  /// Multiply-accumulate operations per run (0 for ops without a dot product).
  public var macs: Int
  /// Number of weight values (constant, or a quantizer applied to a constant).
  public var weights: Int
  /// The weights' datatype, when the node has weights.
  public var weightType: String?
  /// `weights` times the weight datatype's bit width.
  public var parameterBits: Int

  enum CodingKeys: String, CodingKey {
    case name, op, inputs, outputs, macs, weights
    case weightType = "weight_type", parameterBits = "parameter_bits"
  }
}

/// Per-layer and total work and storage of a graph.
public struct GraphSummary: Hashable, Sendable, Codable {
  public var name: String
  public var inputs: [String: String]
  public var outputs: [String: String]
  public var layers: [LayerSummary]
  /// Sum of the layers' MACs (saturating at `Int.max / 2`, as the other totals do).
  public var totalMACs: Int
  /// Sum of the layers' weight counts.
  public var totalWeights: Int
  /// Sum of the layers' parameter bits.
  public var totalParameterBits: Int
  /// Number of nodes of each op type.
  public var opCounts: [String: Int]

  enum CodingKeys: String, CodingKey {
    case name, inputs, outputs, layers
    case totalMACs = "total_macs", totalWeights = "total_weights", totalParameterBits = "total_parameter_bits", opCounts = "op_counts"
  }
}

extension Graph {
  /// Whether `value` is a weight: a constant, or a quantizer's output whose data input is constant.
  public func isWeight(_ value: String) -> Bool {
    if initializers[value] != nil { return true }
    guard let p = producer(of: value), p.op.isQuantizer, let data = p.inputs.first else { return false }
    return initializers[data] != nil
  }

  /// Per-layer MACs, weights and parameter bits, with totals.
  public var summary: GraphSummary {
    var layers: [LayerSummary] = []
    for node in nodes {
      let typeText = { (n: String) -> String in n.isEmpty ? "_" : type(of: n)?.description ?? "?" }
      var macs = 0, weights = 0
      var weightType: DataType?
      let shapes = node.inputs.map { type(of: $0)?.shape }
      switch node.op {
      case .matMul, .gemm, .xnorPopcountMatMul, .mvau:
        if let a = shapes.first ?? nil, let out = node.outputs.first.flatMap({ type(of: $0)?.shape }) {
          let k: Int
          if case .gemm(let g) = node.op, g.transA { k = a[0] } else { k = a.dims.last ?? 0 }
          macs = out.elementCount * k
        }
      case .conv:
        if shapes.count > 1, let w = shapes[1], let out = node.outputs.first.flatMap({ type(of: $0)?.shape }) {
          macs = out.elementCount * w.dims.dropFirst().reduce(1, *)
        }
      default: break
      }
      if macs > 0, node.inputs.count > 1, isWeight(node.inputs[1]), let t = type(of: node.inputs[1]) {
        weights = t.shape.elementCount
        weightType = t.dataType
      }
      layers.append(
        LayerSummary(
          name: node.name, op: node.op.typeName, inputs: node.inputs.map(typeText), outputs: node.outputs.map(typeText),
          macs: macs, weights: weights, weightType: weightType?.finnName, parameterBits: weights * (weightType?.bitWidth ?? 0)))
    }
    var counts: [String: Int] = [:]
    for n in nodes { counts[n.op.typeName, default: 0] += 1 }
    return GraphSummary(
      name: name,
      // A name listed twice (which ``verify()`` refuses) keeps one entry rather than trapping.
      inputs: Dictionary(inputs.map { ($0, type(of: $0)?.description ?? "?") }, uniquingKeysWith: { a, _ in a }),
      outputs: Dictionary(outputs.map { ($0, type(of: $0)?.description ?? "?") }, uniquingKeysWith: { a, _ in a }),
      layers: layers, totalMACs: Self.saturatingSum(layers.map(\.macs)), totalWeights: Self.saturatingSum(layers.map(\.weights)),
      totalParameterBits: Self.saturatingSum(layers.map(\.parameterBits)), opCounts: counts)
  }

  /// The sum of `values` (each at most 2^62, as a layer's counts are for shapes
  /// within ``Shape/maxElementCount``), saturating at `Int.max / 2` so that twice
  /// a total (operations per sample) cannot overflow either.
  private static func saturatingSum(_ values: [Int]) -> Int {
    values.reduce(0) { Swift.min($0 + $1, Int.max / 2) }
  }
}
