/// How a quantizer rounds a real value to an integer (QONNX's `rounding_mode`).
public enum RoundingMode: String, Hashable, Sendable, CaseIterable {
  /// Half to even (QONNX `ROUND`, NumPy's `round`, Brevitas).
  case round = "ROUND"
  /// Toward +infinity.
  case ceil = "CEIL"
  /// Toward -infinity.
  case floor = "FLOOR"
  /// Away from zero.
  case up = "UP"
  /// Toward zero.
  case down = "DOWN"
  /// Nearest, halves away from zero.
  case halfUp = "HALF_UP"
  /// Nearest, halves toward zero.
  case halfDown = "HALF_DOWN"

  /// Rounds `x` to an integral value in this mode.
  @inlinable public func apply(_ x: Float) -> Float {
    switch self {
    case .round: return x.rounded(.toNearestOrEven)
    case .ceil: return x.rounded(.up)
    case .floor: return x.rounded(.down)
    case .up: return x.rounded(.awayFromZero)
    case .down: return x.rounded(.towardZero)
    case .halfUp: return x.rounded(.toNearestOrAwayFromZero)
    case .halfDown:
      let r = x.rounded(.toNearestOrAwayFromZero)
      return abs(x - x.rounded(.towardZero)) == 0.5 ? x.rounded(.towardZero) : r
    }
  }
}
