import Foundation

/// Writes an output folder whole or not at all, and never replaces a folder
/// Finch did not write.
///
/// Everything goes to a temporary sibling folder, which is moved into place
/// only once it is complete. An existing folder at the target is replaced only
/// when it is empty or carries Finch's marker file (``markerName``), which every
/// folder written here gets. Paths that can only be mistakes are refused
/// before any work: the empty path, `.`, `..`, `/`, the home folder, the
/// current folder or any folder above it, and any folder holding an input.
/// A symbolic link to a folder is written through (its target is replaced).
public enum OutputFolder {
  /// The marker file in every folder Finch writes: JSON naming the tool, its
  /// version and the command.
  public static let markerName = "finch-output.json"

  /// The marker's contents.
  public struct Marker: Codable, Sendable, Equatable {
    /// Always "finch".
    public var writtenBy: String
    /// Finch's version.
    public var version: String
    /// The command that wrote the folder ("compile", "build", ...).
    public var command: String

    enum CodingKeys: String, CodingKey {
      case writtenBy = "written_by", version, command
    }
  }

  /// Fills a fresh folder with `fill` and moves it to `path`.
  ///
  /// - Parameters:
  ///   - command: recorded in the marker.
  ///   - version: Finch's version, recorded in the marker.
  ///   - inputs: files the command reads; a target folder that holds one is refused.
  public static func write(
    to path: String, command: String, version: String, inputs: [String], _ fill: (URL) throws -> Void
  ) throws {
    let target = try check(path, inputs: inputs)
    let fm = FileManager.default
    let parent = target.deletingLastPathComponent()
    let createdParent = try createMissingFolders(parent, for: path)
    let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
    do {
      try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
      try fill(temporary)
      let marker = Marker(writtenBy: "finch", version: version, command: command)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(marker).write(to: temporary.appendingPathComponent(markerName))
      try replace(target, with: temporary, path: path)
    } catch {
      try? fm.removeItem(at: temporary)
      if let createdParent { try? fm.removeItem(at: createdParent) }
      throw error
    }
  }

  /// The resolved folder `write` would fill, after every check that needs no
  /// work done; throws what `write` would refuse. Call it before long work.
  @discardableResult
  public static func check(_ path: String, inputs: [String]) throws(OutputError) -> URL {
    guard !path.isEmpty else { throw .emptyPath(what: "output folder") }
    let last = URL(fileURLWithPath: path).lastPathComponent
    if path.hasSuffix("/.") || path.hasSuffix("/..") || path == "." || path == ".." || last == "." || last == ".." {
      throw .protectedFolder(path: path, reason: "it names the current or parent folder")
    }
    let target = FileStatus.resolved(path)
    if target.path == "/" { throw .protectedFolder(path: path, reason: "it is the root folder") }
    let homes = [FileManager.default.homeDirectoryForCurrentUser.path, ProcessInfo.processInfo.environment["HOME"] ?? ""]
    for home in homes where !home.isEmpty && FileStatus.resolved(home) == target {
      throw .protectedFolder(path: path, reason: "it is the home folder")
    }
    if FileStatus.isWithin(FileStatus.resolved(FileManager.default.currentDirectoryPath), target) {
      throw .protectedFolder(path: path, reason: "it holds the current folder")
    }
    for input in inputs where !input.isEmpty && FileStatus.isWithin(FileStatus.resolved(input), target) {
      if FileStatus.resolved(input) == target { throw .overwritesInput(what: "output folder", path: path, input: input) }
      throw .protectedFolder(path: path, reason: "it holds the input '\(input)'")
    }
    if let status = FileStatus(path: target.path) {
      guard status.kind == .directory else { throw .wrongKind(what: "output folder", path: path, found: status.kind.phrase, expected: "a folder") }
      guard isReplaceable(target) else { throw .notFinchFolder(path: path, expected: nil) }
    }
    return target
  }

  /// Checks that `path` is a folder `command` wrote (its marker says so), for
  /// commands that add files to it (`simulate` and `synth` to a build folder).
  public static func requireWritten(by command: String, _ path: String) throws(OutputError) {
    guard let marker = marker(in: URL(fileURLWithPath: path)), marker.command == command else {
      throw .notFinchFolder(path: path, expected: command)
    }
  }

  /// The marker of the folder at `url`, if Finch wrote it.
  static func marker(in url: URL) -> Marker? {
    guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(markerName).path),
      let marker = try? JSONDecoder().decode(Marker.self, from: data), marker.writtenBy == "finch"
    else { return nil }
    return marker
  }

  /// Whether the folder at `url` is empty or carries a Finch marker.
  static func isReplaceable(_ url: URL) -> Bool {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return false }
    return entries.isEmpty || marker(in: url) != nil
  }

  /// Creates the missing folders above an output; returns the topmost one
  /// created, for removal if the output fails.
  static func createMissingFolders(_ folder: URL, for path: String) throws(OutputError) -> URL? {
    var topmost: URL?, probe = folder
    while FileStatus(path: probe.path) == nil && probe.path != "/" {
      topmost = probe
      probe.deleteLastPathComponent()
    }
    guard let topmost else { return nil }
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
      throw .io(path: path, reason: error.localizedDescription)
    }
    return topmost
  }

  /// Moves `temporary` to `target`; a folder already there (checked replaceable)
  /// is set aside first and removed only once the new one is in place.
  private static func replace(_ target: URL, with temporary: URL, path: String) throws(OutputError) {
    let fm = FileManager.default
    guard FileStatus(path: target.path) != nil else {
      guard rename(temporary.path, target.path) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
      return
    }
    guard isReplaceable(target) else { throw .notFinchFolder(path: path, expected: nil) }
    let aside = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
    guard rename(target.path, aside.path) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    guard rename(temporary.path, target.path) == 0 else {
      let reason = String(cString: strerror(errno))
      _ = rename(aside.path, target.path)
      throw .io(path: path, reason: reason)
    }
    try? fm.removeItem(at: aside)
  }
}
