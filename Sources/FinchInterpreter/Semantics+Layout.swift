import FinchIR

extension Semantics {
  /// ONNX `Reshape`.
  static func reshape(_ x: Tensor, shape: Tensor, allowZero: Bool) throws(EvaluationError) -> Tensor {
    x.reshaped(try outputShape(.reshape(allowZero: allowZero), [x, shape]))
  }

  /// ONNX `Flatten`.
  static func flatten(_ x: Tensor, axis: Int) throws(EvaluationError) -> Tensor {
    x.reshaped(try outputShape(.flatten(axis: axis), [x]))
  }

  /// ONNX `Transpose`.
  static func transpose(_ x: Tensor, perm: [Int]) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.transpose(perm: perm), [x])
    let inStrides = x.shape.strides
    let permuted = Shape(outShape.dims)
    let source = BroadcastIndexer(outShape: permuted, inStrides: perm.map { inStrides[$0] }).indices()
    switch x.storage {
    case .float32(let v): return Tensor(shape: outShape, floats: source.map { v[$0] })
    case .int64(let v): return Tensor(shape: outShape, int64s: source.map { v[$0] })
    }
  }

  /// ONNX `Concat`.
  static func concat(_ parts: [Tensor], axis: Int) throws(EvaluationError) -> Tensor {
    guard let first = parts.first else { throw EvaluationError("needs at least one input") }
    let outShape = try outputShape(.concat(axis: axis), parts)
    let a = first.shape.normalizedAxis(axis) ?? 0
    let outer = first.shape.dims[..<a].reduce(1, *)
    if parts.allSatisfy({ $0.elementType == .int64 }) {
      var out: [Int64] = []
      for o in 0..<outer {
        for p in parts {
          let chunk = p.count / Swift.max(outer, 1)
          out += p.int64s[(o * chunk)..<((o + 1) * chunk)]
        }
      }
      return Tensor(shape: outShape, int64s: out)
    }
    var out: [Float] = []
    out.reserveCapacity(outShape.elementCount)
    for o in 0..<outer {
      for p in parts {
        let chunk = p.count / Swift.max(outer, 1)
        out += p.floats[(o * chunk)..<((o + 1) * chunk)]
      }
    }
    return Tensor(shape: outShape, floats: out)
  }

  /// Nearest-neighbour upsampling: output index `i` reads input index `i / scale` per axis.
  static func upsample(_ x: Tensor, scales: [Int]) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.upsample(scales: scales), [x])
    let inStrides = x.shape.strides, outStrides = outShape.strides
    let source = (0..<outShape.elementCount).map { o in
      var rest = o, index = 0
      for axis in 0..<outShape.rank {
        let i = rest / outStrides[axis]
        rest -= i * outStrides[axis]
        index += (i / scales[axis]) * inStrides[axis]
      }
      return index
    }
    switch x.storage {
    case .float32(let v): return Tensor(shape: outShape, floats: source.map { v[$0] })
    case .int64(let v): return Tensor(shape: outShape, int64s: source.map { v[$0] })
    }
  }

  /// ONNX `Pad` in constant mode.
  static func pad(_ x: Tensor, pads: [Int], value: Float) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.pad(pads: pads, value: value), [x])
    let r = x.shape.rank
    var out = [Float](repeating: value, count: outShape.elementCount)
    let xv = x.floats, outStrides = outShape.strides
    let source = BroadcastIndexer(outShape: x.shape, inStrides: outStrides).indices()
    let offset = (0..<r).reduce(0) { $0 + pads[$1] * outStrides[$1] }
    for (k, dst) in source.enumerated() { out[dst + offset] = xv[k] }
    return Tensor(shape: outShape, floats: out)
  }

  /// ONNX `Gather` with int64 indices (negative indices count from the end).
  static func gather(_ x: Tensor, indices: Tensor, axis: Int) throws(EvaluationError) -> Tensor {
    let outShape = try outputShape(.gather(axis: axis), [x, indices])
    let a = x.shape.normalizedAxis(axis) ?? 0
    let n = x.shape[a], inner = x.shape.dims[(a + 1)...].reduce(1, *), outer = x.shape.dims[..<a].reduce(1, *)
    var source: [Int] = []
    let idx = indices.int64s
    for i in idx where i < -Int64(n) || i >= Int64(n) { throw EvaluationError("index \(i) out of range for axis of size \(n)") }
    for o in 0..<outer {
      for i in idx {
        let j = Int(i < 0 ? i + Int64(n) : i)
        for k in 0..<inner { source.append((o * n + j) * inner + k) }
      }
    }
    switch x.storage {
    case .float32(let v): return Tensor(shape: outShape, floats: source.map { v[$0] })
    case .int64(let v): return Tensor(shape: outShape, int64s: source.map { v[$0] })
    }
  }

  /// ONNX `Cast` between float32 and int64 (floats convert toward zero).
  static func cast(_ x: Tensor, to: ElementType) -> Tensor {
    switch to {
    case .float32: return Tensor(shape: x.shape, floats: x.floats)
    case .int64: return Tensor(shape: x.shape, int64s: x.int64s)
    }
  }
}

extension BroadcastIndexer {
  /// An indexer that walks `outShape` in row-major order, stepping by `inStrides`.
  init(outShape: Shape, inStrides: [Int]) {
    self.outShape = outShape
    self.inStrides = inStrides
  }
}
