import Foundation

/// The RTL a build wrote (`rtl/`), checked against its manifest before
/// anything simulates or synthesizes it: every file the manifest lists must be
/// there with the content it was written with.
public struct WrittenDesign: Sendable {
  /// The folder holding the design.
  public let directory: URL
  /// Its manifest.
  public let manifest: Design.Manifest

  /// Reads `directory/manifest.json` and checks every file it lists.
  public init(directory: URL) throws(RTLError) {
    let manifestURL = directory.appendingPathComponent("manifest.json")
    guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
      throw .changedDesign(path: manifestURL.path, reason: "missing")
    }
    do { manifest = try JSONDecoder().decode(Design.Manifest.self, from: data) } catch {
      throw .changedDesign(path: manifestURL.path, reason: "not a Finch design manifest (\(error))")
    }
    guard manifest.files.keys.contains("finch_top.v") else {
      throw .changedDesign(path: manifestURL.path, reason: "lists no files (written by an older Finch)")
    }
    for (name, hash) in manifest.files.sorted(by: { $0.key < $1.key }) {
      let path = directory.appendingPathComponent(name).path
      guard let contents = FileManager.default.contents(atPath: path) else { throw .changedDesign(path: path, reason: "missing") }
      guard Self.contentHash(contents) == hash else { throw .changedDesign(path: path, reason: "edited since it was written") }
    }
    self.directory = directory
  }

  /// The Verilog sources, in name order.
  public var sources: [String] { manifest.files.keys.filter { $0.hasSuffix(".v") }.sorted() }

  /// Copies every design file into `destination` (created if missing); returns the sources.
  public func copy(to destination: URL) throws(RTLError) -> [String] {
    let fm = FileManager.default
    do {
      try fm.createDirectory(at: destination, withIntermediateDirectories: true)
      for name in manifest.files.keys.sorted() {
        let target = destination.appendingPathComponent(name)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.copyItem(at: directory.appendingPathComponent(name), to: target)
      }
    } catch {
      throw .changedDesign(path: destination.path, reason: "cannot copy the design there: \(error.localizedDescription)")
    }
    return sources
  }

  /// A 64-bit FNV-1a hash of `data` in hex: enough to notice an edit (not a
  /// defence against tampering).
  public static func contentHash(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
  }
}
