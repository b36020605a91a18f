import FinchIR

/// The definition of every op: one obviously-right function per op family, pure
/// functions of tensors, following ONNX and QONNX exactly. The interpreter runs
/// them node by node; passes and the importer fold constants with them; every
/// backend is checked against them. (The CPU backend's fast kernels are FinchCPU's.)
public enum Semantics {
  /// Applies `op` to `args` (nil for omitted optional inputs) and returns its outputs.
  public static func evaluate(_ op: Op, _ args: [Tensor?]) throws(EvaluationError) -> [Tensor] {
    func arg(_ i: Int) throws(EvaluationError) -> Tensor {
      guard i < args.count, let t = args[i] else { throw EvaluationError("missing input \(i)") }
      return t
    }
    func optional(_ i: Int) -> Tensor? { i < args.count ? args[i] : nil }
    let x = try arg(0)
    switch op {
    case .quant(let q): return [try quant(x, scale: arg(1), zeroPoint: arg(2), bitWidth: arg(3), q)]
    case .bipolarQuant: return [try bipolarQuant(x, scale: arg(1))]
    case .trunc(let t): return [try trunc(x, args: args.dropFirst().map { $0 }, t)]
    case .multiThreshold(let m): return [try multiThreshold(x, thresholds: arg(1), m)]
    case .xnorPopcountMatMul: return [try xnorPopcountMatMul(x, arg(1))]
    case .quantizeLinear(let q): return [try quantizeLinear(x, scale: arg(1), zeroPoint: optional(2), q)]
    case .dequantizeLinear(let axis): return [try dequantizeLinear(x, scale: arg(1), zeroPoint: optional(2), axis: axis)]
    case .matMul: return [try matMul(x, arg(1))]
    case .gemm(let g): return [try gemm(x, arg(1), optional(2), g)]
    case .conv(let c): return [try conv(x, weights: arg(1), bias: optional(2), c)]
    case .binary(let b): return [try binary(b, x, arg(1))]
    case .unary(let u): return [unary(u, x)]
    case .clip: return [try clip(x, min: optional(1), max: optional(2))]
    case .leakyRelu(let alpha): return [leakyRelu(x, alpha: alpha)]
    case .upsample(let scales): return [try upsample(x, scales: scales)]
    case .batchNormalization(let eps):
      return [try batchNormalization(x, scale: arg(1), bias: arg(2), mean: arg(3), variance: arg(4), epsilon: eps)]
    case .softmax(let axis): return [try softmax(x, axis: axis)]
    case .maxPool(let p): return [try pool(x, p, max: true)]
    case .averagePool(let p): return [try pool(x, p, max: false)]
    case .globalAveragePool: return [try globalAveragePool(x)]
    case .reshape(let allowZero): return [try reshape(x, shape: arg(1), allowZero: allowZero)]
    case .flatten(let axis): return [try flatten(x, axis: axis)]
    case .transpose(let perm): return [try transpose(x, perm: perm)]
    case .squeeze, .unsqueeze, .identity:
      return [try x.reshaped(outputShape(op, [x]))]
    case .concat(let axis): return [try concat(args.compactMap { $0 }, axis: axis)]
    case .pad(let pads, let value): return [try pad(x, pads: pads, value: value)]
    case .shape: return [Tensor(shape: [x.shape.rank], int64s: x.shape.dims.map { Int64($0) })]
    case .gather(let axis): return [try gather(x, indices: arg(1), axis: axis)]
    case .cast(let to): return [cast(x, to: to)]
    case .argMax(let axis, let keepDims, let last): return [try argMax(x, axis: axis, keepDims: keepDims, selectLast: last)]
    case .topK(let t): return try topK(x, t)
    case .mvau(let m): return [try mvau(x, weights: arg(1), thresholds: optional(2), m)]
    case .swu(let u): return [try swu(x, u)]
    case .thresholding(let m):
      var channelsLast = m
      channelsLast.channelsLast = true
      return [try multiThreshold(x, thresholds: arg(1), channelsLast)]
    case .streamingMaxPool(let k, let s, let p): return [try streamingMaxPool(x, kernel: k, strides: s, pads: p)]
    case .labelSelect(let k): return [try labelSelect(x, k: k)]
    case .vvau(let m): return [try vvau(x, weights: arg(1), thresholds: optional(2), m)]
    case .addStreams: return [try addStreams(x, arg(1))]
    case .streamingConcat: return [try concat([x, arg(1)], axis: -1)]
    case .globalAccPool: return [try globalAccPool(x)]
    }
  }

  /// The output shape of a shape-only op, via the IR's type inference.
  static func outputShape(_ op: Op, _ args: [Tensor]) throws(EvaluationError) -> Shape {
    let infos = args.map { InputInfo(type: ValueType(shape: $0.shape, elementType: $0.elementType), constant: $0) }
    do {
      return try op.outputTypes(node: "", inputs: infos)[0].shape
    } catch {
      if case .invalidNode(_, _, let reason) = error { throw EvaluationError(reason) }
      throw EvaluationError(error.description)
    }
  }
}

/// Maps each output index of a broadcast to the flat index of an input.
struct BroadcastIndexer {
  let outShape: Shape
  let inStrides: [Int]

  init(input: Shape, output: Shape) {
    outShape = output
    let offset = output.rank - input.rank
    let strides = input.strides
    inStrides = (0..<output.rank).map { i in
      i < offset || input.dims[i - offset] == 1 ? 0 : strides[i - offset]
    }
  }

  /// Flat input indices for every output element, in row-major output order.
  func indices() -> [Int] {
    let n = outShape.elementCount
    var result = [Int](repeating: 0, count: n)
    let rank = outShape.rank
    if rank == 0 { return n == 1 ? [0] : [] }
    var counter = [Int](repeating: 0, count: rank)
    var flat = 0
    for k in 0..<n {
      result[k] = flat
      var axis = rank - 1
      while axis >= 0 {
        counter[axis] += 1
        flat += inStrides[axis]
        if counter[axis] < outShape.dims[axis] { break }
        flat -= inStrides[axis] * counter[axis]
        counter[axis] = 0
        axis -= 1
      }
    }
    return result
  }
}

/// Applies `f` elementwise over the NumPy broadcast of `a` and `b`.
func broadcastMap(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws(EvaluationError) -> Tensor {
  guard let shape = Shape.broadcast(a.shape, b.shape) else {
    throw EvaluationError("shapes \(a.shape) and \(b.shape) do not broadcast")
  }
  let av = a.floats, bv = b.floats
  if a.shape == shape && b.shape == shape {
    return Tensor(shape: shape, floats: zip(av, bv).map(f))
  }
  let ia = BroadcastIndexer(input: a.shape, output: shape).indices()
  let ib = BroadcastIndexer(input: b.shape, output: shape).indices()
  var out = [Float](repeating: 0, count: shape.elementCount)
  for k in out.indices { out[k] = f(av[ia[k]], bv[ib[k]]) }
  return Tensor(shape: shape, floats: out)
}
