/// Why Finch refused to write an output, or could not.
///
/// Finch never deletes or overwrites what it did not write: these errors name
/// the path and say how to proceed.
public enum OutputError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The output path is empty (often an unset shell variable).
  case emptyPath(what: String)
  /// The output folder is one Finch will never replace (`.`, `..`, `/`, home,
  /// a folder holding the current folder or an input).
  case protectedFolder(path: String, reason: String)
  /// The folder exists and holds files Finch did not write (or, with
  /// `expected`, is not a folder that command wrote).
  case notFinchFolder(path: String, expected: String?)
  /// The output path exists but is not the kind of thing Finch writes there.
  case wrongKind(what: String, path: String, found: String, expected: String)
  /// The output path names one of the command's own inputs.
  case overwritesInput(what: String, path: String, input: String)
  /// The file system refused an operation.
  case io(path: String, reason: String)

  /// One line saying what is wrong and what to do.
  public var description: String {
    switch self {
    case .emptyPath(let what): return "the \(what) path is empty (is a shell variable unset?)"
    case .protectedFolder(let path, let reason):
      return "refusing to write the output folder '\(path)': \(reason); give a new folder, e.g. -o \(Self.suggestion(path))"
    case .notFinchFolder(let path, let command?):
      return "'\(path)' is not a folder written by `finch \(command)` (its \(OutputFolder.markerName) is missing or says otherwise); "
        + "run `finch \(command)` to make one; build folders made before Finch wrote markers need a rebuild"
    case .notFinchFolder(let path, nil):
      return "output folder '\(path)' exists and was not written by Finch (it has no \(OutputFolder.markerName)); "
        + "Finch replaces only its own folders: give a new folder, or move or remove '\(path)' yourself"
    case .wrongKind(let what, let path, let found, let expected): return "\(what) '\(path)' is \(found), not \(expected)"
    case .overwritesInput(let what, let path, let input): return "\(what) '\(path)' is the input '\(input)'; give another path"
    case .io(let path, let reason): return "cannot write '\(path)': \(reason)"
    }
  }

  private static func suggestion(_ path: String) -> String {
    path.isEmpty || path == "/" || path.hasSuffix(".") ? "finch-out" : path + "-finch"
  }
}
