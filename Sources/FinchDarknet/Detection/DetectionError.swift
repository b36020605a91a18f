/// Why boxes could not be decoded.
public enum DetectionError: Error, CustomStringConvertible, Equatable {
  case shape(String)
  case image(String)

  public var description: String {
    switch self {
    case .shape(let reason): return reason
    case .image(let reason): return reason
    }
  }
}
