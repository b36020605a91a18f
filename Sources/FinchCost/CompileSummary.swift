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

    init(name: String, op: String, attributes: [String: [Int]], inputType: String, outputType: String, thresholds: Int) {
      (self.name, self.op, self.attributes, self.inputType, self.outputType, self.thresholds) =
        (name, op, attributes, inputType, outputType, thresholds)
    }

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

  /// Summarizes a compiled graph whose hardware layers are `layers` (``HardwareLayer/layers(of:)``).
  public init(model: String, graph: Graph, layers: [HardwareLayer]) {
    let partition = HardwarePartition(graph)
    self.model = model
    host = Host(prologue: partition.prologue, epilogue: partition.epilogue)
    unlowered = partition.unlowered
    self.layers = layers.map(Layer.init)
  }
}

extension CompileSummary.Layer {
  /// The summary row of `l`.
  init(_ l: HardwareLayer) {
    self.init(
      name: l.name, op: l.kind.rawValue, attributes: [:], inputType: l.inputType.finnName, outputType: l.outputType.finnName,
      thresholds: l.thresholds)
    switch l.kind {
    case .mvau:
      attributes = ["MW": [l.mw], "MH": [l.mh], "input_vectors": [l.vectors]]
      weightType = l.weightType.finnName
      xnor = l.xnor
      accumulatorType = l.accumulatorType.finnName
    case .swu:
      attributes = [
        "K": l.kernel, "stride": l.stride, "pad": l.pads, "dilation": l.dilation,
        "dims": l.unpaddedInputDims, "out_dims": l.outputDims,
        "channels": [l.channels],
      ]
    case .thresholding:
      attributes = ["channels": [l.channels], "input_vectors": [l.vectors]]
    case .streamingMaxPool:
      attributes = ["K": l.kernel, "stride": l.stride, "dims": l.inputDims, "channels": [l.channels]]
    case .labelSelect:
      attributes = ["labels": [l.channels], "k": [l.k]]
    case .vvau:
      attributes = ["K": [l.mw], "channels": [l.channels], "input_vectors": [l.vectors]]
      weightType = l.weightType.finnName
      accumulatorType = l.accumulatorType.finnName
    case .addStreams:
      attributes = ["channels": [l.channels], "input_vectors": [l.vectors]]
    case .streamingConcat:
      attributes = ["channels": l.concatChannels, "input_vectors": [l.vectors]]
    case .globalAccPool:
      attributes = ["dims": l.inputDims, "channels": [l.channels]]
    }
  }
}
