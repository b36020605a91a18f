/// The element container of a tensor: 32-bit floats (every quantized value is
/// carried as a float, as in QONNX) or 64-bit integers (shapes and indices).
public enum ElementType: String, Hashable, Sendable {
  case float32
  case int64

  /// The datatype of values in this container when nothing narrower is known:
  /// `INT64` for integers, `FLOAT32` for floats.
  public var impliedDataType: DataType { self == .int64 ? .int(64) : .float32 }
}

/// A dense row-major tensor with its shape.
public struct Tensor: Hashable, Sendable {
  /// The values, in row-major order.
  public enum Storage: Hashable, Sendable {
    case float32([Float])
    case int64([Int64])
  }

  /// The dimensions.
  public var shape: Shape
  /// The values.
  public var storage: Storage

  /// A float tensor; `values.count` must equal `shape.elementCount`.
  public init(shape: Shape, floats values: [Float]) {
    precondition(values.count == shape.elementCount, "tensor of shape \(shape) needs \(shape.elementCount) values")
    self.shape = shape
    self.storage = .float32(values)
  }

  /// An integer tensor; `values.count` must equal `shape.elementCount`.
  public init(shape: Shape, int64s values: [Int64]) {
    precondition(values.count == shape.elementCount, "tensor of shape \(shape) needs \(shape.elementCount) values")
    self.shape = shape
    self.storage = .int64(values)
  }

  /// A scalar float tensor.
  public init(scalar: Float) { self.init(shape: [], floats: [scalar]) }

  /// The element container.
  public var elementType: ElementType {
    switch storage {
    case .float32: return .float32
    case .int64: return .int64
    }
  }

  /// The values as floats (integers converted).
  public var floats: [Float] {
    switch storage {
    case .float32(let v): return v
    case .int64(let v): return v.map { Float($0) }
    }
  }

  /// The values as integers (floats truncated toward zero; callers check
  /// integrality first where it matters).
  public var int64s: [Int64] {
    switch storage {
    case .float32(let v): return v.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }
    case .int64(let v): return v
    }
  }

  /// The number of elements.
  public var count: Int { shape.elementCount }

  /// The first `n` samples along axis 0 (all of them when there are fewer; a scalar unchanged).
  public func firstSamples(_ n: Int) -> Tensor {
    guard shape.rank > 0, n < shape[0] else { return self }
    let size = count / max(shape[0], 1)
    var prefix = shape
    prefix[0] = max(n, 0)
    switch storage {
    case .float32(let v): return Tensor(shape: prefix, floats: Array(v[..<(prefix[0] * size)]))
    case .int64(let v): return Tensor(shape: prefix, int64s: Array(v[..<(prefix[0] * size)]))
    }
  }

  /// The same values with another shape of equal element count.
  public func reshaped(_ newShape: Shape) -> Tensor {
    precondition(newShape.elementCount == count)
    var t = self
    t.shape = newShape
    return t
  }
}
