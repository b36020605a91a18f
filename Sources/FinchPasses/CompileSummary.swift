import FinchIR

/// What `finch compile` reports: hardware layers in stream order with their
/// shapes and datatypes, and the host prologue and epilogue.
public struct CompileSummary: Codable, Sendable {
  /// One hardware layer.
  public struct Layer: Codable, Sendable {
    public var name: String
    public var op: String
    /// Shape attributes: MW, MH (MVAU); K, stride, pad, dims, channels (SWU, max-pool); channels (thresholding); labels, k (label select).
    public var attributes: [String: [Int]]
    public var inputType: String
    public var outputType: String
    public var weightType: String?
    public var accumulatorType: String?
    /// Thresholds per channel (0 when the layer has none).
    public var thresholds: Int
    public var xnor: Bool?

    enum CodingKeys: String, CodingKey {
      case name, op, attributes, thresholds, xnor
      case inputType = "input_type", outputType = "output_type", weightType = "weight_type", accumulatorType = "accumulator_type"
    }
  }

  /// Host-side work before and after the accelerator.
  public struct Host: Codable, Sendable {
    public var prologue: [HardwarePartition.HostNode]
    public var epilogue: [HardwarePartition.HostNode]
  }

  public var model: String
  public var layers: [Layer]
  public var host: Host
  /// Nodes that could not be put in hardware (only with `--allow-host-ops`).
  public var unlowered: [HardwarePartition.HostNode]

  /// Summarizes a compiled graph.
  public init(model: String, graph: Graph) {
    let partition = HardwarePartition(graph)
    self.model = model
    host = Host(prologue: partition.prologue, epilogue: partition.epilogue)
    unlowered = partition.unlowered
    layers = partition.layers.map { Self.layer($0, graph) }
  }

  private static func layer(_ node: Node, _ graph: Graph) -> Layer {
    let input = graph.type(of: node.inputs[0]), output = graph.type(of: node.outputs[0])
    var layer = Layer(
      name: node.name, op: node.op.typeName, attributes: [:], inputType: input?.dataType.finnName ?? "?",
      outputType: output?.dataType.finnName ?? "?", thresholds: 0)
    let inShape = input?.shape.dims ?? [], outShape = output?.shape.dims ?? []
    switch node.op {
    case .mvau(let m):
      let w = graph.type(of: node.inputs[1])
      let (mw, mh) = (w?.shape[0] ?? 0, w?.shape[1] ?? 0)
      layer.attributes = ["MW": [mw], "MH": [mh], "input_vectors": [inShape.dropLast().reduce(1, *)]]
      layer.weightType = w?.dataType.finnName
      layer.xnor = m.xnor
      if m.xnor {
        layer.accumulatorType = DataType.smallestInteger(min: 0, max: Double(mw)).finnName
      } else if let x = input, let wt = w, let acc = try? Op.matMul.outputTypes(
        node: node.name, inputs: [InputInfo(type: x), InputInfo(type: wt, constant: graph.initializers[node.inputs[1]])])
      {
        layer.accumulatorType = acc[0].dataType.finnName
      }
      layer.thresholds = node.inputs.count > 2 ? graph.type(of: node.inputs[2])?.shape[1] ?? 0 : 0
    case .swu(let u):
      layer.attributes = [
        "K": u.kernel, "stride": u.strides, "pad": u.pads, "dilation": u.dilations, "dims": Array(inShape.dropFirst().prefix(2)),
        "out_dims": Array(outShape.dropFirst().prefix(2)), "channels": [inShape.last ?? 0],
      ]
    case .thresholding:
      layer.attributes = ["channels": [inShape.last ?? 0], "input_vectors": [inShape.dropLast().reduce(1, *)]]
      layer.thresholds = graph.type(of: node.inputs[1])?.shape[1] ?? 0
    case .streamingMaxPool(let k, let s):
      layer.attributes = ["K": k, "stride": s, "dims": Array(inShape.dropFirst().prefix(2)), "channels": [inShape.last ?? 0]]
    case .labelSelect(let k):
      layer.attributes = ["labels": [inShape.last ?? 0], "k": [k]]
    default:
      break
    }
    return layer
  }
}
