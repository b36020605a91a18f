import Foundation

/// Writes a single output file whole or not at all.
///
/// The bytes go to a temporary file beside the target, which is then renamed
/// over it, so readers never see a partial file. A symbolic link is written
/// through (its target is replaced, the link stays); folders, devices, FIFOs
/// and sockets are refused, as is any path that is one of the command's
/// inputs. Missing folders above the file are created (and removed again if
/// the write fails). `-` means standard output where a command allows it.
public enum OutputFile {
  /// The path that means standard output.
  public static let standardOutput = "-"

  /// Writes `data` to `path`.
  ///
  /// - Parameters:
  ///   - what: what the file is, for errors ("output", "--write-folding file").
  ///   - inputs: files the command reads; writing over one of them is refused.
  ///   - allowStandardOutput: whether `-` writes to standard output.
  public static func write(
    _ data: Data, to path: String, what: String = "output", inputs: [String] = [], allowStandardOutput: Bool = false
  ) throws(OutputError) {
    guard let target = try check(path, what: what, inputs: inputs, allowStandardOutput: allowStandardOutput) else {
      FileHandle.standardOutput.write(data)
      return
    }
    let createdParent = try OutputFolder.createMissingFolders(target.deletingLastPathComponent(), for: path)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).partial")
    func fail(_ reason: String) -> OutputError {
      try? FileManager.default.removeItem(at: temporary)
      if let createdParent { try? FileManager.default.removeItem(at: createdParent) }
      return .io(path: path, reason: reason)
    }
    do { try data.write(to: temporary, options: .withoutOverwriting) } catch { throw fail(error.localizedDescription) }
    guard rename(temporary.path, target.path) == 0 else { throw fail(String(cString: strerror(errno))) }
  }

  /// The resolved path `write` would replace (nil for standard output), after
  /// every check; throws what `write` would refuse. Call it before long work.
  @discardableResult
  public static func check(
    _ path: String, what: String = "output", inputs: [String] = [], allowStandardOutput: Bool = false
  ) throws(OutputError) -> URL? {
    if allowStandardOutput && path == standardOutput { return nil }
    guard !path.isEmpty else { throw .emptyPath(what: what) }
    let target = FileStatus.resolved(path)
    if let status = FileStatus(path: target.path) {
      guard status.kind == .regular else { throw .wrongKind(what: what, path: path, found: status.kind.phrase, expected: "a regular file") }
      for input in inputs where FileStatus(path: input)?.identity == status.identity {
        throw .overwritesInput(what: what, path: path, input: input)
      }
    }
    var folder = target.deletingLastPathComponent()
    while FileStatus(path: folder.path) == nil && folder.path != "/" { folder.deleteLastPathComponent() }
    if let above = FileStatus(path: folder.path), above.kind != .directory {
      throw .wrongKind(what: "the folder above \(what)", path: folder.path, found: above.kind.phrase, expected: "a folder")
    }
    return target
  }
}
