/// The number format of a tensor's values: FINN's datatypes.
///
/// Tensors are carried as `Float` (or `Int64` for index tensors); the data type
/// says which values they may hold, so passes and backends know how many bits
/// each value needs. Construct unsigned 1-bit values as ``binary``:
/// ``smallestInteger(min:max:)`` and ``init(finnName:)`` never produce `.uint(1)`.
public enum DataType: Hashable, Sendable {
  /// Signed two's complement integer of the given width (1...64).
  case int(Int)
  /// Unsigned integer of the given width (2...64; one bit is ``binary``).
  case uint(Int)
  /// The values -1 and +1, stored in one bit.
  case bipolar
  /// The values 0 and 1.
  case binary
  /// The values -1, 0 and +1, stored in two bits.
  case ternary
  /// Signed fixed point: `bits` total, `intBits` of them (including sign) left
  /// of the binary point; values are `k · 2^-(bits - intBits)` for `k` in `int(bits)`.
  case fixed(bits: Int, intBits: Int)
  /// IEEE single precision: any value.
  case float32

  /// Storage bits of one value.
  public var bitWidth: Int {
    switch self {
    case .int(let b), .uint(let b): return b
    case .bipolar, .binary: return 1
    case .ternary: return 2
    case .fixed(let b, _): return b
    case .float32: return 32
    }
  }

  /// Whether every value is an integer.
  public var isInteger: Bool {
    switch self {
    case .fixed, .float32: return false
    default: return true
    }
  }

  /// Whether the type holds negative values.
  public var isSigned: Bool {
    switch self {
    case .uint, .binary: return false
    default: return true
    }
  }

  /// The smallest value the type holds.
  public var min: Double {
    switch self {
    case .int(let b): return -pow2(b - 1)
    case .uint, .binary: return 0
    case .bipolar, .ternary: return -1
    case .fixed(let b, let i): return -pow2(b - 1) * pow2(i - b)
    case .float32: return -Double(Float.greatestFiniteMagnitude)
    }
  }

  /// The largest value the type holds.
  public var max: Double {
    switch self {
    case .int(let b): return pow2(b - 1) - 1
    case .uint(let b): return pow2(b) - 1
    case .bipolar, .binary, .ternary: return 1
    case .fixed(let b, let i): return (pow2(b - 1) - 1) * pow2(i - b)
    case .float32: return Double(Float.greatestFiniteMagnitude)
    }
  }

  /// Whether `value` is one of the type's values.
  public func allows(_ value: Double) -> Bool {
    switch self {
    case .float32: return !value.isNaN
    case .bipolar: return value == -1 || value == 1
    case .fixed(let b, let i):
      let k = value * pow2(b - i)
      return k == k.rounded() && value >= min && value <= max
    default: return value == value.rounded() && value >= min && value <= max
    }
  }

  /// Whether every threshold level `scale · k + bias`, `k` in `0...steps`, is an
  /// integer value of the type (the levels are evenly spaced, so the ends decide,
  /// except that bipolar values skip 0).
  public func holdsLevels(scale: Double, bias: Double, steps: Int) -> Bool {
    guard scale == scale.rounded(), bias == bias.rounded() else { return false }
    let skipsZero = self != .bipolar || steps <= 1 || scale == 0
    return skipsZero && allows(bias) && allows(scale * Double(steps) + bias)
  }

  /// FINN's name: `INT4`, `UINT8`, `BIPOLAR`, `BINARY`, `TERNARY`, `FIXED<8,1>`, `FLOAT32`.
  public var finnName: String {
    switch self {
    case .int(let b): return "INT\(b)"
    case .uint(let b): return b == 1 ? "BINARY" : "UINT\(b)"
    case .bipolar: return "BIPOLAR"
    case .binary: return "BINARY"
    case .ternary: return "TERNARY"
    case .fixed(let b, let i): return "FIXED<\(b),\(i)>"
    case .float32: return "FLOAT32"
    }
  }

  /// Parses a FINN datatype name; nil when the name is not one Finch knows.
  public init?(finnName: String) {
    let name = finnName.uppercased()
    switch name {
    case "BIPOLAR": self = .bipolar
    case "BINARY", "UINT1": self = .binary
    case "TERNARY": self = .ternary
    case "FLOAT32": self = .float32
    default:
      if name.hasPrefix("UINT"), let b = Int(name.dropFirst(4)), (2...64).contains(b) {
        self = .uint(b)
      } else if name.hasPrefix("INT"), let b = Int(name.dropFirst(3)), (1...64).contains(b) {
        self = .int(b)
      } else if name.hasPrefix("FIXED<"), name.hasSuffix(">") {
        let parts = name.dropFirst(6).dropLast().split(separator: ",")
        guard parts.count == 2, let b = Int(parts[0].trimmingSpaces), let i = Int(parts[1].trimmingSpaces),
          (2...64).contains(b), (1...b).contains(i)
        else { return nil }
        self = .fixed(bits: b, intBits: i)
      } else {
        return nil
      }
    }
  }

  /// The narrowest integer type holding every value in `min...max`, preferring
  /// unsigned types (as FINN does): `[0, 1]` is ``binary``, `[-1, 1]` is `int(2)`.
  public static func smallestInteger(min: Double, max: Double) -> DataType {
    if min >= 0 {
      if max <= 1 { return .binary }
      for b in 2...64 where max <= pow2(b) - 1 { return .uint(b) }
      return .uint(64)
    }
    for b in 1...64 where min >= -pow2(b - 1) && max <= pow2(b - 1) - 1 { return .int(b) }
    return .int(64)
  }
}

extension DataType: CustomStringConvertible {
  public var description: String { finnName }
}

@inline(__always) private func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    var s = self
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return s
  }
}
