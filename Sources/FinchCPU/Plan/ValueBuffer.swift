import FinchIR
import FinchInterpreter

/// How the plan stores a value's elements.
enum StorageKind: Sendable, Equatable {
  /// Integers of up to 16 bits (every 1- to 8-bit quantized activation).
  case int16
  /// Integers that need 17 to 32 bits (wide accumulators).
  case int32
  /// Index tensors and other `Int64` values.
  case int64
  /// Everything else.
  case float32

  /// The storage for a value of type `type`.
  init(_ type: ValueType) {
    if type.elementType == .int64 {
      self = .int64
    } else if type.dataType.isInteger && type.dataType.min >= -32768 && type.dataType.max <= 32767 {
      self = .int16
    } else if type.dataType.isInteger && type.dataType.min >= -2_147_483_648 && type.dataType.max <= 2_147_483_647 {
      self = .int32
    } else {
      self = .float32
    }
  }

  var byteCount: Int {
    switch self {
    case .int16: return 2
    case .int32: return 4
    case .int64: return 8
    case .float32: return 4
    }
  }
}

/// One value's storage for a whole batch: `capacity` samples of `sampleCount`
/// elements each, sample-major, allocated once when the plan is built.
final class ValueBuffer: @unchecked Sendable {
  let kind: StorageKind
  /// The value's shape for one sample (the graph's type).
  let sampleShape: Shape
  let sampleCount: Int
  let capacity: Int
  let raw: UnsafeMutableRawPointer
  /// The buffer whose memory this one views (a reshape), or nil when it owns its memory.
  private let owner: ValueBuffer?

  init(kind: StorageKind, sampleShape: Shape, capacity: Int) {
    self.kind = kind
    self.sampleShape = sampleShape
    sampleCount = sampleShape.elementCount
    self.capacity = capacity
    let bytes = max(1, sampleCount * capacity * kind.byteCount)
    raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    owner = nil
  }

  /// The same memory seen with another per-sample shape of the same size (a layout-only op).
  init(viewing other: ValueBuffer, as sampleShape: Shape) {
    precondition(sampleShape.elementCount == other.sampleCount)
    kind = other.kind
    self.sampleShape = sampleShape
    sampleCount = other.sampleCount
    capacity = other.capacity
    raw = other.raw
    owner = other
  }

  deinit { if owner == nil { raw.deallocate() } }

  var int16: UnsafeMutablePointer<Int16> { raw.assumingMemoryBound(to: Int16.self) }
  var int32: UnsafeMutablePointer<Int32> { raw.assumingMemoryBound(to: Int32.self) }
  var int64: UnsafeMutablePointer<Int64> { raw.assumingMemoryBound(to: Int64.self) }
  var float32: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }

  /// Element `i` as a float, as the interpreter sees it.
  @inline(__always) func float(at i: Int) -> Float {
    switch kind {
    case .int16: return Float(int16[i])
    case .int32: return Float(int32[i])
    case .int64: return Float(int64[i])
    case .float32: return float32[i]
    }
  }

  /// Stores `v` at `i`; for integer storage `v` is an integer of the value's
  /// type (type inference guarantees it), converted as `Tensor.int64s` does.
  @inline(__always) func set(_ v: Float, at i: Int) {
    switch kind {
    case .int16: int16[i] = Int16(truncatingIfNeeded: Self.integer(v))
    case .int32: int32[i] = Int32(truncatingIfNeeded: Self.integer(v))
    case .int64: int64[i] = Self.integer(v)
    case .float32: float32[i] = v
    }
  }

  @inline(__always) private static func integer(_ v: Float) -> Int64 {
    v.isFinite ? Int64(exactly: v.rounded(.towardZero)) ?? 0 : 0
  }

  /// Copies samples `range` of `tensor` (whose samples have this value's element count) into samples starting at `at`.
  func load(_ tensor: Tensor, samples range: Range<Int>, at destination: Int) {
    let base = destination * sampleCount, first = range.lowerBound * sampleCount, count = range.count * sampleCount
    switch tensor.storage {
    case .float32(let v):
      for i in 0..<count { set(v[first + i], at: base + i) }
    case .int64(let v):
      for i in 0..<count {
        switch kind {
        case .int64: int64[base + i] = v[first + i]
        default: set(Float(v[first + i]), at: base + i)
        }
      }
    }
  }

  /// Samples `range` as one tensor with the element type `elementType`: stacked
  /// as the interpreter stacks a batch (``Interpreter/stackedShape(of:samples:)``),
  /// or, for one sample, with the sample shape itself.
  func tensor(samples range: Range<Int>, elementType: ElementType, stacked: Bool) -> Tensor {
    precondition(stacked || range.count == 1, "only one sample has the sample shape")
    let shape = stacked ? Interpreter.stackedShape(of: sampleShape, samples: range.count) : sampleShape
    let first = range.lowerBound * sampleCount, count = range.count * sampleCount
    if elementType == .int64 {
      return Tensor(shape: shape, int64s: (0..<count).map { kind == .int64 ? int64[first + $0] : Self.integer(float(at: first + $0)) })
    }
    return Tensor(shape: shape, floats: (0..<count).map { float(at: first + $0) })
  }
}
