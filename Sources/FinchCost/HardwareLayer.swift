import FinchIR

/// A hardware layer as the cost models see it: its kind, dimensions and bit widths.
public struct HardwareLayer: Sendable, Codable, Equatable {
  /// Which unit the layer is.
  public enum Kind: String, Sendable, Codable {
    case mvau = "MVAU", swu = "SWU", thresholding = "Thresholding", streamingMaxPool = "StreamingMaxPool"
    case labelSelect = "LabelSelect"
  }

  public var name: String
  public var kind: Kind
  /// MVAU: matrix width (fan-in) and height (output channels).
  public var mw = 0, mh = 0
  /// Vectors (MVAU) or pixels (thresholding) per frame.
  public var vectors = 1
  /// Channels: SWU/max-pool input channels, thresholding channels, label-select labels.
  public var channels = 0
  /// Window geometry (SWU, max-pool): kernel, stride, input and output dims (after padding), dilation.
  public var kernel = [1, 1], stride = [1, 1], inputDims = [1, 1], outputDims = [1, 1], dilation = [1, 1]
  /// Bit widths of input, weight, accumulator and output values.
  public var inputBits = 1, weightBits = 0, accumulatorBits = 0, outputBits = 1
  /// Whether input values are signed.
  public var signedInput = false
  /// Thresholds per channel (0 when none).
  public var thresholds = 0
  /// Whether every channel uses the same thresholds.
  public var sharedThresholds = false
  /// XNOR-popcount MVAU.
  public var xnor = false
  /// Label select: how many labels it outputs.
  public var k = 1

  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }

  /// Divisibility rules: the values PE may take (output-side parallelism).
  public var peChoices: [Int] {
    switch kind {
    case .mvau: return divisors(mh)
    case .thresholding, .streamingMaxPool, .labelSelect: return divisors(channels)
    case .swu: return [1]
    }
  }

  /// The values SIMD may take (input-side parallelism).
  public var simdChoices: [Int] {
    switch kind {
    case .mvau: return divisors(mw)
    case .swu: return divisors(channels)
    default: return [1]
    }
  }

  /// Multiply-accumulates per frame.
  public var macs: Int { kind == .mvau ? mw * mh * vectors : 0 }

  /// The hardware layers of a compiled graph, in stream order.
  public static func layers(of graph: Graph) -> [HardwareLayer] {
    graph.nodes.compactMap { layer($0, graph) }
  }

  static func layer(_ node: Node, _ graph: Graph) -> HardwareLayer? {
    guard let input = graph.type(of: node.inputs[0]), let output = graph.type(of: node.outputs[0]) else { return nil }
    let inShape = input.shape.dims
    var l: HardwareLayer
    switch node.op {
    case .mvau(let m):
      guard let w = graph.type(of: node.inputs[1]) else { return nil }
      l = HardwareLayer(name: node.name, kind: .mvau)
      (l.mw, l.mh) = (w.shape[0], w.shape[1])
      l.vectors = inShape.dropLast().reduce(1, *)
      l.weightBits = w.dataType.bitWidth
      l.xnor = m.xnor
      l.thresholds = node.inputs.count > 2 ? graph.type(of: node.inputs[2])?.shape[1] ?? 0 : 0
      let dot = try? Op.matMul.outputTypes(
        node: node.name, inputs: [InputInfo(type: input), InputInfo(type: w, constant: graph.initializers[node.inputs[1]])])
      l.accumulatorBits = m.xnor ? bits(0, Double(l.mw)) : dot?.first?.dataType.bitWidth ?? 32
    case .swu(let u):
      l = HardwareLayer(name: node.name, kind: .swu)
      l.channels = inShape[3]
      l.kernel = u.kernel
      l.stride = u.strides
      l.dilation = u.dilations
      l.inputDims = [inShape[1] + u.pads[0] + u.pads[2], inShape[2] + u.pads[1] + u.pads[3]]
      l.outputDims = [output.shape[1], output.shape[2]]
    case .thresholding:
      l = HardwareLayer(name: node.name, kind: .thresholding)
      l.channels = inShape.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      l.thresholds = graph.type(of: node.inputs[1])?.shape[1] ?? 0
      l.sharedThresholds = graph.type(of: node.inputs[1])?.shape[0] == 1
    case .streamingMaxPool(let k, let s):
      l = HardwareLayer(name: node.name, kind: .streamingMaxPool)
      l.channels = inShape[3]
      l.kernel = k
      l.stride = s
      l.inputDims = [inShape[1], inShape[2]]
      l.outputDims = [output.shape[1], output.shape[2]]
    case .labelSelect(let k):
      l = HardwareLayer(name: node.name, kind: .labelSelect)
      l.channels = inShape.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      l.k = k
    default:
      return nil
    }
    l.inputBits = input.dataType.bitWidth
    l.signedInput = input.dataType.isSigned && input.dataType != .bipolar
    l.outputBits = output.elementType == .int64 ? bits(0, Double(max(l.channels - 1, 1))) : output.dataType.bitWidth
    return l
  }
}

/// The divisors of `n`, ascending.
func divisors(_ n: Int) -> [Int] {
  guard n > 0 else { return [1] }
  return (1...n).filter { n % $0 == 0 }
}

/// Bits of the smallest integer type holding `min...max`.
func bits(_ min: Double, _ max: Double) -> Int { DataType.smallestInteger(min: min, max: max).bitWidth }

