import FinchIR

/// One hardware layer, described once: its kind, dimensions, stream datatypes,
/// accumulator range and memory contents, computed from its node of a compiled
/// graph by ``layers(of:)``. The cost models, the folding solver, the stream
/// pipeline (``DataflowPipeline``), the RTL emitters and the reports read these
/// facts; none of them derives a fact from graph nodes again.
public struct HardwareLayer: Sendable, Equatable {
  /// Which unit the layer is.
  public enum Kind: String, Sendable {
    case mvau = "MVAU", swu = "SWU", thresholding = "Thresholding", streamingMaxPool = "StreamingMaxPool"
    case labelSelect = "LabelSelect"
    case vvau = "VVAU", addStreams = "AddStreams", streamingConcat = "StreamingConcat", globalAccPool = "GlobalAccPool"
  }

  public var name: String
  public var kind: Kind
  /// The graph values the layer reads as streams (two for AddStreams; through
  /// any Reshape, the value before it) and the one it writes (empty for
  /// layers not made from a graph).
  public var streamInputs: [String] = [], streamOutput = ""
  /// MVAU: matrix width (fan-in) and height (output channels); VVAU: window
  /// positions (fan-in per channel) and channels.
  public var mw = 0, mh = 0
  /// Vectors (MVAU, VVAU) or pixels (thresholding, AddStreams, GlobalAccPool) per frame.
  public var vectors = 1
  /// Channels: SWU/max-pool input channels, thresholding, VVAU, AddStreams and GlobalAccPool channels, label-select labels.
  public var channels = 0
  /// Window geometry (SWU, max-pool): kernel, stride, input and output dims (after padding), dilation.
  public var kernel = [1, 1], stride = [1, 1], inputDims = [1, 1], outputDims = [1, 1], dilation = [1, 1]
  /// Padding (top, left, bottom, right); SWU: the value padded positions hold
  /// (a max-pool never chooses a padded position).
  public var pads = [0, 0, 0, 0], padValue: Int64 = 0
  /// Bit widths of input, weight, accumulator and output values, as the cost
  /// models see them (the accumulator's: the smallest integer type of ``accumulatorRange``).
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

  /// Datatypes of the elements streaming in and out (a label select's output: its index type).
  public var inputType: DataType = .binary, outputType: DataType = .binary
  /// AddStreams, StreamingConcat: the datatype of the second stream (``inputType`` is the first's).
  public var addendType: DataType = .binary
  /// StreamingConcat: the channels of each input (their sum is ``channels``).
  public var concatChannels: [Int] = []

  /// StreamingConcat at `folding`: the words of each input per pixel (`C_k/PE`).
  public func concatWords(_ folding: LayerFolding) -> [Int] { concatChannels.map { $0 / max(folding.pe, 1) } }
  /// Elements per frame entering and leaving the layer.
  public var inputElements = 0, outputElements = 0
  /// MVAU, VVAU: the weights' datatype (the graph's when it holds every weight, else the
  /// smallest integer type that does) and values, `[MW][MH]` row-major.
  public var weightType: DataType = .binary
  public var weights: [Int64] = []
  /// MVAU, VVAU: the accumulator's exact reachable range over every output channel.
  public var accumulatorRange: ClosedRange<Int64> = 0...0
  /// MVAU, VVAU: thresholds per output channel (`[MH][thresholds]`), clamped to
  /// `accumulatorRange.lowerBound ... upperBound + 1` (rounded up: the
  /// accumulator is an integer), which keeps every `acc >= T` the same.
  public var thresholdValues: [[Int64]] = []
  /// MVAU, VVAU with thresholds: output level `outScale · count + outBias`.
  public var outScale = 1, outBias = 0
  /// Thresholding: its attributes and thresholds (`[C or 1, B]`), from which
  /// ``levels()`` tabulates the output of every input value.
  public var thresholding: MultiThreshold?
  public var thresholdTensor: Tensor?

  /// The widest thresholding input ``levels()`` tabulates.
  public static let maxTableInputBits = 12

  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }

  /// Divisibility rules: the values PE may take (output-side parallelism).
  public var peChoices: [Int] {
    switch kind {
    case .mvau: return divisors(mh)
    case .thresholding, .streamingMaxPool, .labelSelect, .vvau, .addStreams, .globalAccPool: return divisors(channels)
    case .streamingConcat: return divisors(concatChannels.reduce(0, gcd))
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

  /// SWU: the input's height and width before padding (``inputDims`` less ``pads``).
  public var unpaddedInputDims: [Int] { [inputDims[0] - pads[0] - pads[2], inputDims[1] - pads[1] - pads[3]] }

  /// SWU: the input rows and columns one window covers, `(kernel − 1)·dilation + 1`.
  public var windowSpan: [Int] { [(kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1] }

  /// Multiply-accumulates per frame.
  public var macs: Int { kind == .mvau || kind == .vvau ? mw * mh * vectors : 0 }

  /// Elements per stream word entering the layer (SIMD or PE) at `folding`.
  public func inputFold(_ folding: LayerFolding) -> Int { kind == .mvau || kind == .swu ? folding.simd : folding.pe }

  /// Elements per stream word leaving the layer at `folding`.
  public func outputFold(_ folding: LayerFolding) -> Int {
    switch kind {
    case .mvau, .thresholding, .streamingMaxPool, .vvau, .addStreams, .streamingConcat, .globalAccPool: return folding.pe
    case .swu: return folding.simd
    case .labelSelect: return 1
    }
  }

  /// The stream word entering the layer at `folding`.
  public func inputStream(_ folding: LayerFolding) -> StreamFormat {
    StreamFormat(dataType: inputType, elementsPerWord: inputFold(folding))
  }

  /// The stream word leaving the layer at `folding`.
  public func outputStream(_ folding: LayerFolding) -> StreamFormat {
    StreamFormat(dataType: outputType, elementsPerWord: outputFold(folding))
  }

  /// The smallest integer type holding ``accumulatorRange``.
  public var accumulatorType: DataType {
    .smallestInteger(min: Double(accumulatorRange.lowerBound), max: Double(accumulatorRange.upperBound))
  }

  /// Bits of the smallest two's complement register holding ``accumulatorRange`` (at least 2).
  public var accumulatorRegisterBits: Int { signedBits(accumulatorRange) }

  /// Bits of the smallest two's complement field holding every clamped threshold (1 when none).
  public var thresholdBits: Int {
    let all = thresholdValues.joined()
    guard let lo = all.min(), let hi = all.max() else { return 1 }
    return signedBits(lo...hi)
  }

  /// The hardware layers of a compiled graph, in stream order.
  public static func layers(of graph: Graph) throws(FinchCostError) -> [HardwareLayer] {
    try graph.nodes.filter(\.op.isHardwareLayer).map { (node: Node) throws(FinchCostError) in try layer(node, graph) }
  }
}

/// The divisors of `n`, ascending.
func divisors(_ n: Int) -> [Int] {
  guard n > 0 else { return [1] }
  return (1...n).filter { n % $0 == 0 }
}

/// Bits of the smallest integer type holding `min...max`.
func bits(_ min: Double, _ max: Double) -> Int { DataType.smallestInteger(min: min, max: max).bitWidth }

/// Bits of the smallest two's complement type holding `range` (at least 2).
func signedBits(_ range: ClosedRange<Int64>) -> Int {
  var b = 2
  while b < 64, range.lowerBound < -(Int64(1) << (b - 1)) || range.upperBound > (Int64(1) << (b - 1)) - 1 { b += 1 }
  return b
}
