/// A typed operation: every op Finch knows, with its attributes as stored values.
///
/// Inputs are positional and listed in each case's documentation; values that
/// ONNX passes as constant inputs in newer opsets (axes, pads, `K`) are
/// attributes here, resolved at import. A pass that forgets a case fails to compile.
public enum Op: Hashable, Sendable {
  // MARK: Quantization (QONNX, FINN, ONNX QDQ)

  /// QONNX `Quant`/`IntQuant`: inputs x, scale, zeroPoint, bitWidth.
  case quant(Quant)
  /// QONNX `BipolarQuant`: inputs x, scale; `scale · (x >= 0 ? 1 : -1)`.
  case bipolarQuant
  /// QONNX `Trunc`: inputs x, scale, zeroPoint, inputBitWidth, outputScale, outputBitWidth.
  case trunc(Trunc)
  /// FINN/QONNX `MultiThreshold`: inputs x, thresholds `[C, B]` or `[1, B]`.
  case multiThreshold(MultiThreshold)
  /// FINN `XnorPopcountMatMul`: inputs x `[N, K]` in {0,1}, weights `[K, M]` in {0,1};
  /// `y[n, m] = #{k : x[n, k] == w[k, m]}`.
  case xnorPopcountMatMul
  /// ONNX `QuantizeLinear`: inputs x, scale, zeroPoint (optional); output int values
  /// `saturate(round_half_even(x / scale) + zeroPoint)` in the zero point's type.
  case quantizeLinear(QuantizeLinear)
  /// ONNX `DequantizeLinear`: inputs x, scale, zeroPoint (optional); `(x - zeroPoint) · scale`.
  case dequantizeLinear(axis: Int)

  // MARK: Linear algebra

  /// ONNX `MatMul` (NumPy semantics, batched over leading axes): inputs a, b.
  case matMul
  /// ONNX `Gemm`: inputs a, b, c (optional); `alpha · A' · B' + beta · C`.
  case gemm(Gemm)
  /// ONNX `Conv` (2-D, NCHW): inputs x, weights `[M, C/group, kH, kW]`, bias (optional).
  case conv(Conv)

  // MARK: Elementwise

  /// Broadcasting binary arithmetic: `Add`, `Sub`, `Mul`, `Div`, `Pow`.
  case binary(BinaryOp)
  /// Elementwise unary functions: `Relu`, `Sigmoid`, `Tanh`, `Sign`, `Sqrt`, `Neg`, ...
  case unary(UnaryOp)
  /// ONNX `Clip`: inputs x, min (optional), max (optional).
  case clip
  /// ONNX `LeakyRelu`: `x` where `x ≥ 0`, else `alpha · x`.
  case leakyRelu(alpha: Float)
  /// Nearest-neighbour upsampling by whole factors per axis: ONNX `Resize`
  /// with mode `nearest`, `asymmetric` coordinates and `floor` rounding
  /// (output element `i` copies input element `i / scale` on each axis).
  case upsample(scales: [Int])
  /// ONNX `BatchNormalization` (inference): inputs x, scale, bias, mean, variance.
  case batchNormalization(epsilon: Float)
  /// ONNX `Softmax` along `axis`.
  case softmax(axis: Int)

  // MARK: Pooling

  /// ONNX `MaxPool` (2-D, NCHW).
  case maxPool(Pool)
  /// ONNX `AveragePool` (2-D, NCHW).
  case averagePool(Pool)
  /// ONNX `GlobalAveragePool`.
  case globalAveragePool

  // MARK: Layout

  /// ONNX `Reshape`: inputs x, shape (constant int64).
  case reshape(allowZero: Bool)
  /// ONNX `Flatten` at `axis`.
  case flatten(axis: Int)
  /// ONNX `Transpose` by `perm`.
  case transpose(perm: [Int])
  /// ONNX `Squeeze` of `axes` (all unit axes when empty).
  case squeeze(axes: [Int])
  /// ONNX `Unsqueeze`, inserting unit axes at `axes` of the output.
  case unsqueeze(axes: [Int])
  /// ONNX `Concat` along `axis`.
  case concat(axis: Int)
  /// ONNX `Pad` with constant mode: `pads` = begins then ends per axis.
  case pad(pads: [Int], value: Float)
  /// ONNX `Identity`.
  case identity
  /// ONNX `Shape`: the input's dimensions as int64.
  case shape
  /// ONNX `Gather` along `axis`: inputs data, indices (int64).
  case gather(axis: Int)
  /// ONNX `Cast` to an element type (values converted as ONNX does, floats to
  /// integers toward zero).
  case cast(to: ElementType)

  // MARK: Selection

  /// ONNX `ArgMax` (int64 output).
  case argMax(axis: Int, keepDims: Bool, selectLastIndex: Bool)
  /// ONNX `TopK` with a constant `k`: outputs values, indices (int64).
  case topK(TopK)

  // MARK: Hardware layers (domain `finch`, see Docs/ops)

  /// Matrix-vector-activation unit: inputs x `[..., MW]`, weights `[MW, MH]`
  /// (constant integers), thresholds `[MH, B]` (optional constant).
  case mvau(MVAU)
  /// Sliding window unit (im2col in hardware) on NHWC input `[N, H, W, C]`,
  /// giving `[N, OH, OW, kH·kW·C]` with the channel fastest, then kx, then ky.
  case swu(SWU)
  /// Standalone thresholding on channels-last input: inputs x, thresholds `[C, B]` or `[1, B]`.
  case thresholding(MultiThreshold)
  /// Streaming max-pool on NHWC input; padded positions (top, left, bottom,
  /// right, each smaller than the kernel) are never chosen.
  case streamingMaxPool(kernel: [Int], strides: [Int], pads: [Int] = [0, 0, 0, 0])
  /// Label select: the indices (int64) of the `k` largest values along the last axis, largest first, ties to the lower index.
  case labelSelect(k: Int)
  /// Vector-vector-activation unit (depthwise convolution on SWU windows):
  /// inputs x `[..., K·C]` (window position outer, channel fastest), weights
  /// `[K, C]` (constant integers), thresholds `[C, B]` (optional constant);
  /// `acc[c] = Σ_k x[k·C + c] · W[k, c]`, thresholded as in an MVAU (no XNOR mode).
  case vvau(MVAU)
  /// Elementwise sum of two integer streams of the same shape: inputs a, b.
  case addStreams
  /// Concatenation of two integer streams of one datatype along the last
  /// axis (channels): per pixel, a's channels then b's.
  case streamingConcat
  /// Global accumulation pool on NHWC input `[N, H, W, C]`: the sum over
  /// every pixel per channel, `[N, 1, 1, C]` (an average pool's integer part).
  case globalAccPool
}

/// Attributes of a matrix-vector-activation unit.
///
/// Output: with thresholds, `outScale · #{i : acc >= T[c, i]} + outBias` per
/// output channel `c`; without, the accumulator. `acc` is the dot product of
/// the input row and the weight column, except in XNOR mode (bipolar inputs and
/// weights), where the unit counts agreements `P = (dot + MW) / 2` and the
/// thresholds compare `P`; an XNOR unit without thresholds outputs `2P - MW`
/// (the dot product).
public struct MVAU: Hashable, Sendable {
  /// Bipolar inputs and weights computed as popcount of XNOR.
  public var xnor: Bool
  public var outScale: Int
  public var outBias: Int
  /// The output datatype when thresholded.
  public var outType: DataType?
  public init(xnor: Bool, outScale: Int = 1, outBias: Int = 0, outType: DataType? = nil) {
    self.xnor = xnor
    self.outScale = outScale
    self.outBias = outBias
    self.outType = outType
  }
}

/// Attributes of a sliding window unit.
public struct SWU: Hashable, Sendable {
  public var kernel: [Int]
  public var strides: [Int]
  /// Top, left, bottom, right padding.
  public var pads: [Int]
  public var dilations: [Int]
  /// The value padded positions hold (must be a value of the input type).
  public var padValue: Float
  public init(kernel: [Int], strides: [Int], pads: [Int], dilations: [Int], padValue: Float = 0) {
    self.kernel = kernel
    self.strides = strides
    self.pads = pads
    self.dilations = dilations
    self.padValue = padValue
  }
}

/// Attributes of QONNX `Quant`.
public struct Quant: Hashable, Sendable {
  public var signed: Bool
  public var narrow: Bool
  public var rounding: RoundingMode
  public init(signed: Bool, narrow: Bool, rounding: RoundingMode) {
    self.signed = signed
    self.narrow = narrow
    self.rounding = rounding
  }

  /// The bit widths Finch accepts for `Quant` and `Trunc` (inputs and outputs):
  /// quantized values are carried in float32 and computed in 32-bit integer
  /// accumulators at most, so wider quantizers have no exact meaning here.
  public static let bitWidths = 1...32

  /// `value` as a bit width when it is an integer in ``bitWidths``, else nil.
  public static func bitWidth(_ value: Float) -> Int? {
    guard let b = Int(exactly: value), bitWidths.contains(b) else { return nil }
    return b
  }

  /// The bit width a scalar tensor holds, when it is one integer in ``bitWidths``, else nil.
  public static func bitWidth(of tensor: Tensor) -> Int? {
    tensor.count == 1 ? bitWidth(tensor.floats[0]) : nil
  }

  /// The integer levels of a QONNX quantizer (`Quant`, `Trunc`) of `bits` bits:
  /// QONNX's `min_int`/`max_int`, with `narrow` dropping the lowest level.
  public static func integerRange(bits: Int, signed: Bool, narrow: Bool) -> (min: Float, max: Float) {
    let top = Float(sign: .plus, exponent: signed ? bits - 1 : bits, significand: 1)
    if signed { return (narrow ? -top + 1 : -top, top - 1) }
    return (0, top - (narrow ? 2 : 1))
  }

  /// The datatype of the integer levels of a quantizer with zero point 0:
  /// `BIPOLAR` for one signed bit, else `INT<bits>`, `BINARY` or `UINT<bits>`.
  public static func levelType(bits: Int, signed: Bool) -> DataType {
    if signed { return bits == 1 ? .bipolar : .int(bits) }
    return bits == 1 ? .binary : .uint(bits)
  }
}

/// Attributes of QONNX `Trunc`.
public struct Trunc: Hashable, Sendable {
  public var signed: Bool
  public var narrow: Bool
  public var rounding: RoundingMode
  public init(signed: Bool, narrow: Bool, rounding: RoundingMode) {
    self.signed = signed
    self.narrow = narrow
    self.rounding = rounding
  }
}

/// Attributes of `MultiThreshold`.
public struct MultiThreshold: Hashable, Sendable {
  /// Multiplies the threshold count.
  public var outScale: Float
  /// Added after scaling.
  public var outBias: Float
  /// The declared output datatype.
  public var outType: DataType
  /// Whether channels are the last axis (NHWC) rather than axis 1 (NCHW).
  public var channelsLast: Bool
  public init(outScale: Float = 1, outBias: Float = 0, outType: DataType, channelsLast: Bool = false) {
    self.outScale = outScale
    self.outBias = outBias
    self.outType = outType
    self.channelsLast = channelsLast
  }

  /// Whether every output level is a value of ``outType`` (``DataType/holdsLevels(scale:bias:steps:)``).
  public func levelsFit(steps: Int) -> Bool {
    outType.holdsLevels(scale: Double(outScale), bias: Double(outBias), steps: steps)
  }
}

/// Attributes of `QuantizeLinear`.
public struct QuantizeLinear: Hashable, Sendable {
  /// The quantization axis for per-axis scales.
  public var axis: Int
  /// The output integer type (from the zero point's element type; uint8 without one).
  public var outType: DataType
  public init(axis: Int, outType: DataType) {
    self.axis = axis
    self.outType = outType
  }
}

/// Attributes of `Gemm`.
public struct Gemm: Hashable, Sendable {
  public var alpha: Float
  public var beta: Float
  public var transA: Bool
  public var transB: Bool
  public init(alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false) {
    self.alpha = alpha
    self.beta = beta
    self.transA = transA
    self.transB = transB
  }
}

/// Attributes of a 2-D convolution.
public struct Conv: Hashable, Sendable {
  /// Kernel height and width.
  public var kernel: [Int]
  /// Vertical and horizontal stride.
  public var strides: [Int]
  /// Top, left, bottom, right padding.
  public var pads: [Int]
  /// Vertical and horizontal dilation.
  public var dilations: [Int]
  /// Number of groups (`group == C` is depthwise).
  public var group: Int
  public init(kernel: [Int], strides: [Int] = [1, 1], pads: [Int] = [0, 0, 0, 0], dilations: [Int] = [1, 1], group: Int = 1) {
    self.kernel = kernel
    self.strides = strides
    self.pads = pads
    self.dilations = dilations
    self.group = group
  }
}

/// Attributes of a 2-D pooling window.
public struct Pool: Hashable, Sendable {
  public var kernel: [Int]
  public var strides: [Int]
  /// Top, left, bottom, right padding.
  public var pads: [Int]
  public var dilations: [Int]
  /// Output size rounds up rather than down.
  public var ceilMode: Bool
  /// AveragePool divides by the full window including padding.
  public var countIncludePad: Bool
  public init(kernel: [Int], strides: [Int], pads: [Int] = [0, 0, 0, 0], dilations: [Int] = [1, 1], ceilMode: Bool = false, countIncludePad: Bool = false) {
    self.kernel = kernel
    self.strides = strides
    self.pads = pads
    self.dilations = dilations
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }

  /// Whether every window of a 2-D `kernel` with `pads` (top, left, bottom,
  /// right) holds an input value: each pad smaller than the kernel along its
  /// axis. Then a max-pool never needs a value for padding.
  public static func windowsHoldInput(kernel: [Int], pads: [Int]) -> Bool {
    kernel.count == 2 && pads.count == 4 && pads[0] < kernel[0] && pads[2] < kernel[0] && pads[1] < kernel[1] && pads[3] < kernel[1]
  }
}

/// Attributes of `TopK`.
public struct TopK: Hashable, Sendable {
  public var k: Int
  public var axis: Int
  public var largest: Bool
  public var sorted: Bool
  public init(k: Int, axis: Int = -1, largest: Bool = true, sorted: Bool = true) {
    self.k = k
    self.axis = axis
    self.largest = largest
    self.sorted = sorted
  }
}

/// Broadcasting binary arithmetic ops.
public enum BinaryOp: String, Hashable, Sendable, CaseIterable {
  case add = "Add", sub = "Sub", mul = "Mul", div = "Div", pow = "Pow"
}

/// Elementwise unary ops.
public enum UnaryOp: String, Hashable, Sendable, CaseIterable {
  case relu = "Relu", sigmoid = "Sigmoid", tanh = "Tanh", sign = "Sign", sqrt = "Sqrt"
  case neg = "Neg", abs = "Abs", exp = "Exp", reciprocal = "Reciprocal", floor = "Floor", ceil = "Ceil"
  /// ONNX `Round`: to the nearest integer, halves to even.
  case round = "Round"
}
