extension Op {
  /// The op type as written in ONNX (`Quant`, `MatMul`, `Add`, ...).
  public var typeName: String {
    switch self {
    case .quant: return "Quant"
    case .bipolarQuant: return "BipolarQuant"
    case .trunc: return "Trunc"
    case .multiThreshold: return "MultiThreshold"
    case .xnorPopcountMatMul: return "XnorPopcountMatMul"
    case .quantizeLinear: return "QuantizeLinear"
    case .dequantizeLinear: return "DequantizeLinear"
    case .matMul: return "MatMul"
    case .gemm: return "Gemm"
    case .conv: return "Conv"
    case .binary(let b): return b.rawValue
    case .unary(let u): return u.rawValue
    case .clip: return "Clip"
    case .leakyRelu: return "LeakyRelu"
    case .upsample: return "Resize"
    case .batchNormalization: return "BatchNormalization"
    case .softmax: return "Softmax"
    case .maxPool: return "MaxPool"
    case .averagePool: return "AveragePool"
    case .globalAveragePool: return "GlobalAveragePool"
    case .reshape: return "Reshape"
    case .flatten: return "Flatten"
    case .transpose: return "Transpose"
    case .squeeze: return "Squeeze"
    case .unsqueeze: return "Unsqueeze"
    case .concat: return "Concat"
    case .pad: return "Pad"
    case .identity: return "Identity"
    case .shape: return "Shape"
    case .gather: return "Gather"
    case .cast: return "Cast"
    case .argMax: return "ArgMax"
    case .topK: return "TopK"
    case .mvau: return "MVAU"
    case .swu: return "SWU"
    case .thresholding: return "Thresholding"
    case .streamingMaxPool: return "StreamingMaxPool"
    case .labelSelect: return "LabelSelect"
    case .vvau: return "VVAU"
    case .addStreams: return "AddStreams"
    case .streamingConcat: return "StreamingConcat"
    case .globalAccPool: return "GlobalAccPool"
    }
  }

  /// Whether the op is a quantizer whose constant inputs are weights to keep
  /// visible (never folded away at import).
  public var isQuantizer: Bool {
    switch self {
    case .quant, .bipolarQuant, .trunc, .multiThreshold, .quantizeLinear, .thresholding: return true
    default: return false
    }
  }

  /// Whether the op is one of Finch's hardware layers.
  public var isHardwareLayer: Bool {
    switch self {
    case .mvau, .swu, .thresholding, .streamingMaxPool, .labelSelect, .vvau, .addStreams, .streamingConcat, .globalAccPool: return true
    default: return false
    }
  }
}
