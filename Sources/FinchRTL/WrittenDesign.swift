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
    manifest = try Self.manifest(Design.Manifest.self, in: directory, files: \.files, top: "finch_top.v")
    self.directory = directory
  }

  /// Reads the manifest of type `M` in `directory` and checks every file its
  /// `files` lists (name to ``contentHash(_:)``), which must include `top`.
  static func manifest<M: Decodable>(_ type: M.Type, in directory: URL, files: KeyPath<M, [String: String]>, top: String) throws(RTLError) -> M {
    let manifestURL = directory.appendingPathComponent(manifestName)
    guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
      throw .changedDesign(path: manifestURL.path, reason: "missing")
    }
    let manifest: M
    do { manifest = try JSONDecoder().decode(M.self, from: data) } catch {
      throw .changedDesign(path: manifestURL.path, reason: "not a Finch design manifest (\(error))")
    }
    let listed = manifest[keyPath: files]
    guard listed.keys.contains(top) else {
      throw .changedDesign(path: manifestURL.path, reason: "lists no files (written by an older Finch)")
    }
    for (name, hash) in listed.sorted(by: { $0.key < $1.key }) {
      let path = directory.appendingPathComponent(name).path
      guard let contents = FileManager.default.contents(atPath: path) else { throw .changedDesign(path: path, reason: "missing") }
      guard contentHash(contents) == hash else { throw .changedDesign(path: path, reason: "edited since it was written") }
    }
    return manifest
  }

  /// The manifest's file name in a design folder.
  static let manifestName = "manifest.json"

  /// The hash of every file in `directory` but the manifest, by name.
  static func hashes(in directory: URL) -> [String: String] {
    var files: [String: String] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name != manifestName {
      guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
      files[name] = contentHash(data)
    }
    return files
  }

  /// Writes `manifest` as `directory/manifest.json` (sorted keys, readable).
  static func write<M: Encodable>(manifest: M, to directory: URL) throws(RTLError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(manifest) else { throw .invalidStream("the manifest does not encode") }
    try data.writeOrThrow(to: directory.appendingPathComponent(manifestName))
  }

  /// The Verilog sources, in name order.
  public var sources: [String] { manifest.files.keys.filter { $0.hasSuffix(".v") }.sorted() }

  /// Copies every design file into `destination` (created if missing); returns the sources.
  public func copy(to destination: URL) throws(RTLError) -> [String] {
    try Self.copy(manifest.files.keys.sorted(), from: directory, to: destination)
    return sources
  }

  /// Copies the files `names` from `source` into `destination` (created if missing), replacing what is there.
  static func copy(_ names: [String], from source: URL, to destination: URL) throws(RTLError) {
    let fm = FileManager.default
    do {
      try fm.createDirectory(at: destination, withIntermediateDirectories: true)
      for name in names {
        let target = destination.appendingPathComponent(name)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.copyItem(at: source.appendingPathComponent(name), to: target)
      }
    } catch {
      throw .changedDesign(path: destination.path, reason: "cannot copy the design there: \(error.localizedDescription)")
    }
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
