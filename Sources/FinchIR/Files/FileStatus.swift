import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What is at a path, following symbolic links: the facts Finch checks before
/// it writes there.
struct FileStatus: Equatable {
  /// The kinds of file-system object Finch distinguishes.
  enum Kind: Equatable {
    case regular, directory, fifo, device, socket, other

    /// "a folder", "a FIFO", ... for error messages.
    var phrase: String {
      switch self {
      case .regular: return "a file"
      case .directory: return "a folder"
      case .fifo: return "a FIFO"
      case .device: return "a device"
      case .socket: return "a socket"
      case .other: return "a special file"
      }
    }
  }

  var kind: Kind
  /// Device and inode: equal for two paths to the same object.
  var identity: [UInt64]

  /// The object at `path` (symbolic links followed), or nil if nothing is there.
  init?(path: String) {
    var s = stat()
    guard stat(path, &s) == 0 else { return nil }
    switch s.st_mode & S_IFMT {
    case S_IFREG: kind = .regular
    case S_IFDIR: kind = .directory
    case S_IFIFO: kind = .fifo
    case S_IFCHR, S_IFBLK: kind = .device
    case S_IFSOCK: kind = .socket
    default: kind = .other
    }
    identity = [UInt64(s.st_dev), UInt64(s.st_ino)]
  }

  /// `path` made absolute with every symbolic link resolved, as far as it exists;
  /// missing trailing components are kept as given.
  static func resolved(_ path: String) -> URL {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL
    var existing = absolute, missing: [String] = []
    while existing.path != "/" && FileStatus(path: existing.path) == nil {
      missing.insert(existing.lastPathComponent, at: 0)
      existing.deleteLastPathComponent()
    }
    var result = existing.resolvingSymlinksInPath()
    for component in missing { result.appendPathComponent(component) }
    return result.standardizedFileURL
  }

  /// Whether `path` (resolved) is `folder` (resolved) or lies inside it.
  static func isWithin(_ path: URL, _ folder: URL) -> Bool {
    let p = path.pathComponents, f = folder.pathComponents
    return p.count >= f.count && Array(p.prefix(f.count)) == f
  }
}
