import Foundation

/// Writes a whole output folder or nothing: everything goes to a temporary
/// sibling folder that replaces `path` only once `fill` succeeds.
enum OutputFolder {
  static func write(to path: String, _ fill: (URL) throws -> Void) throws {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    let fm = FileManager.default
    try fm.createDirectory(at: parent, withIntermediateDirectories: true)
    let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
    try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
    do {
      try fill(temporary)
      if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
      try fm.moveItem(at: temporary, to: target)
    } catch {
      try? fm.removeItem(at: temporary)
      throw error
    }
  }
}
