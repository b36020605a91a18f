/// Why a Darknet network (`.cfg` and `.weights`) could not be imported.
public enum DarknetError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A file could not be read.
  case io(file: String, reason: String)
  /// A line of the `.cfg` is unusable: which file and line, and why.
  case config(file: String, line: Int, reason: String)
  /// A section of the `.cfg` cannot be imported (its first line).
  case unsupported(file: String, line: Int, section: String, reason: String)
  /// The `.weights` file does not hold what the `.cfg` needs.
  case weights(file: String, reason: String)

  public var description: String {
    switch self {
    case .io(let file, let reason): return "\(file): \(reason)"
    case .config(let file, let line, let reason): return "\(file):\(line): \(reason)"
    case .unsupported(let file, let line, let section, let reason): return "\(file):\(line): [\(section)]: \(reason)"
    case .weights(let file, let reason): return "\(file): \(reason)"
    }
  }
}
