import FinchIR
import FinchInterpreter

extension HardwareLayer {
  /// The facts of one hardware-layer node: the only place they are computed.
  static func layer(_ node: Node, _ graph: Graph) throws(FinchCostError) -> HardwareLayer {
    func fail(_ reason: String) -> FinchCostError { .invalidLayer(layer: node.name, reason: reason) }
    guard let input = graph.type(of: node.inputs[0]), let output = graph.type(of: node.outputs[0]) else {
      throw fail("its input or output has no type")
    }
    let inShape = input.shape.dims
    var l: HardwareLayer
    switch node.op {
    case .mvau(let m), .vvau(let m):
      l = HardwareLayer(name: node.name, kind: node.op == .mvau(m) ? .mvau : .vvau)
      guard let w = graph.initializers[node.inputs[1]], w.shape.rank == 2 else {
        throw fail("weights must be a constant [\(l.kind == .mvau ? "MW, MH" : "K, C")] tensor")
      }
      (l.mw, l.mh) = (w.shape[0], w.shape[1])
      l.channels = l.kind == .vvau ? l.mh : 0
      l.vectors = inShape.dropLast().reduce(1, *)
      l.xnor = m.xnor
      let values = w.floats
      guard values.allSatisfy({ $0 == $0.rounded() && abs($0) <= 0x1p53 }) else { throw fail("weights must be integers within ±2^53") }
      l.weights = values.map { Int64($0) }
      l.weightType = try weightType(graph.type(of: node.inputs[1])?.dataType, values: l.weights, xnor: m.xnor, fail)
      l.weightBits = l.weightType.bitWidth
      if m.xnor {
        l.accumulatorRange = 0...Int64(l.mw)
      } else {
        guard let range = dotProductRange(input: input.dataType, weights: values, fanIn: l.mw, outputs: l.mh, columnMajor: false),
          range.min >= -0x1p53, range.max <= 0x1p53
        else { throw fail("the accumulator of \(input.dataType) inputs over \(l.mw) columns exceeds 53 bits") }
        l.accumulatorRange = Int64(range.min)...Int64(range.max)
      }
      l.accumulatorBits = l.accumulatorType.bitWidth
      if node.inputs.count > 2 {
        guard let t = graph.initializers[node.inputs[2]], t.shape.rank == 2, t.shape[0] == l.mh, t.shape[1] >= 1 else {
          throw fail("thresholds must be a constant [\(l.mh), B] tensor with B >= 1")
        }
        l.thresholds = t.shape[1]
        l.thresholdValues = try clamped(t, to: l.accumulatorRange, fail)
        (l.outScale, l.outBias) = (m.outScale, m.outBias)
      }
    case .swu(let u):
      l = HardwareLayer(name: node.name, kind: .swu)
      l.channels = inShape[3]
      l.kernel = u.kernel
      l.stride = u.strides
      l.dilation = u.dilations
      l.pads = u.pads
      l.inputDims = [inShape[1] + u.pads[0] + u.pads[2], inShape[2] + u.pads[1] + u.pads[3]]
      l.outputDims = [output.shape[1], output.shape[2]]
      if u.pads.contains(where: { $0 > 0 }) {
        guard input.dataType.allows(Double(u.padValue)) else { throw fail("pad value \(u.padValue) is not a \(input.dataType) value") }
        l.padValue = Int64(u.padValue)
      }
    case .thresholding(let m):
      l = HardwareLayer(name: node.name, kind: .thresholding)
      l.channels = inShape.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      guard let t = graph.initializers[node.inputs[1]], t.shape.rank == 2 else { throw fail("thresholds must be a constant [C, B] tensor") }
      l.thresholds = t.shape[1]
      l.sharedThresholds = t.shape[0] == 1
      (l.thresholding, l.thresholdTensor) = (m, t)
    case .streamingMaxPool(let k, let s, let p):
      l = HardwareLayer(name: node.name, kind: .streamingMaxPool)
      l.channels = inShape[3]
      l.kernel = k
      l.stride = s
      l.pads = p
      l.inputDims = [inShape[1], inShape[2]]
      l.outputDims = [output.shape[1], output.shape[2]]
    case .labelSelect(let k):
      l = HardwareLayer(name: node.name, kind: .labelSelect)
      l.channels = inShape.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      l.k = k
    case .addStreams:
      l = HardwareLayer(name: node.name, kind: .addStreams)
      l.channels = inShape.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      guard let b = graph.type(of: node.inputs[1]) else { throw fail("its second input has no type") }
      l.addendType = b.dataType
    case .streamingConcat:
      l = HardwareLayer(name: node.name, kind: .streamingConcat)
      l.channels = output.shape.dims.last ?? 1
      l.vectors = inShape.dropLast().reduce(1, *)
      guard let b = graph.type(of: node.inputs[1]) else { throw fail("its second input has no type") }
      l.addendType = b.dataType
      l.concatChannels = [inShape.last ?? 1, b.shape.dims.last ?? 1]
    case .globalAccPool:
      l = HardwareLayer(name: node.name, kind: .globalAccPool)
      l.channels = inShape[3]
      l.vectors = inShape[1] * inShape[2]
      l.inputDims = [inShape[1], inShape[2]]
    default:
      throw fail("\(node.op.typeName) is not a hardware layer")
    }
    // A Reshape between layers only relabels a stream: look through it.
    func source(_ value: String) -> String {
      guard let p = graph.producer(of: value), case .reshape = p.op else { return value }
      return source(p.inputs[0])
    }
    l.streamInputs = (node.op == .addStreams || node.op == .streamingConcat ? Array(node.inputs.prefix(2)) : [node.inputs[0]]).map(source)
    l.streamOutput = node.outputs[0]
    l.inputType = input.dataType
    l.inputBits = input.dataType.bitWidth
    l.signedInput = input.dataType.isSigned && input.dataType != .bipolar
    l.outputType = l.kind == .labelSelect ? .smallestInteger(min: 0, max: Double(max(l.channels - 1, 1))) : output.dataType
    l.outputBits = l.outputType.bitWidth
    l.inputElements = input.shape.elementCount
    l.outputElements = output.shape.elementCount
    return l
  }

  /// The weights' datatype: the graph's when it is an integer type holding
  /// every weight, else the smallest integer type that does.
  private static func weightType(
    _ declared: DataType?, values: [Int64], xnor: Bool, _ fail: (String) -> FinchCostError
  ) throws(FinchCostError) -> DataType {
    let (lo, hi) = (values.min() ?? 0, values.max() ?? 0)
    if let t = declared, t.isInteger {
      guard values.allSatisfy({ t.allows(Double($0)) }) else { throw fail("weights in [\(lo), \(hi)] do not fit their type \(t)") }
      return t
    }
    if xnor, values.allSatisfy({ $0 == 1 || $0 == -1 }) { return .bipolar }
    return .smallestInteger(min: Double(lo), max: Double(hi))
  }

  /// Thresholds `[C, B]` clamped to `range.lowerBound ... range.upperBound + 1`, rounded up.
  private static func clamped(
    _ t: Tensor, to range: ClosedRange<Int64>, _ fail: (String) -> FinchCostError
  ) throws(FinchCostError) -> [[Int64]] {
    let steps = t.shape[1], values = t.floats
    guard !values.contains(where: \.isNaN) else { throw fail("NaN thresholds") }
    let (lo, hi) = (range.lowerBound, range.upperBound)
    return (0..<t.shape[0]).map { c in
      (0..<steps).map { j in
        let v = Double(values[c * steps + j]).rounded(.up)
        return v <= Double(lo) ? lo : v > Double(hi) ? hi + 1 : Int64(v)
      }
    }
  }

  /// Thresholding: the output for every input encoding of ``inputType`` and
  /// every channel (`[v][channel]`), computed by the reference interpreter so
  /// the hardware cannot disagree with it. Inputs of at most
  /// ``maxTableInputBits`` bits; tabulated when asked (compiling does not need it).
  public func levels() throws(FinchCostError) -> [[Int64]] {
    guard let m = thresholding, let thresholds = thresholdTensor else { throw .invalidLayer(layer: name, reason: "not a thresholding layer") }
    guard inputType.bitWidth <= Self.maxTableInputBits else {
      throw .invalidLayer(layer: name, reason: "\(inputType.bitWidth)-bit inputs; level tables take at most \(Self.maxTableInputBits)")
    }
    let input = inputType
    let format = StreamFormat(dataType: input, elementsPerWord: 1)
    let count = 1 << input.bitWidth
    // One probe row per input encoding, every channel holding that value.
    let values = (0..<count).flatMap { v in [Float](repeating: Float(format.decode(UInt64(v))), count: channels) }
    let out: [Int64]
    do {
      out = try Semantics.evaluate(.thresholding(m), [Tensor(shape: [count, channels], floats: values), thresholds])[0].int64s
    } catch {
      throw .invalidLayer(layer: name, reason: error.reason)
    }
    return (0..<count).map { v in Array(out[(v * channels)..<((v + 1) * channels)]) }
  }
}
