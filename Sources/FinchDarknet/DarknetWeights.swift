import Foundation

/// A Darknet `.weights` file: a header (major, minor, revision and the
/// number of images seen in training) and the parameters of every layer that
/// has any, as little-endian 32-bit floats, read in the order of the `.cfg`.
public struct DarknetWeights: Sendable {
  /// The file it was read from (for messages).
  public let file: String
  /// Header version.
  public let major: Int32, minor: Int32, revision: Int32
  /// Images seen in training (64 bits from version 0.2 on, 32 bits before).
  public let seen: UInt64
  private let bytes: Data
  /// Bytes of the header (16 or 20).
  public let headerBytes: Int
  /// Where the next parameter starts.
  public private(set) var offset: Int

  /// Reads the header of `bytes`, the contents of `file`.
  public init(bytes: Data, file: String) throws(DarknetError) {
    self.file = file
    self.bytes = bytes
    func int32(at i: Int) -> Int32 { Int32(bitPattern: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i, as: UInt32.self) }.littleEndian) }
    guard bytes.count >= 16 else { throw .weights(file: file, reason: "\(bytes.count) bytes: too short for a Darknet weights header (16 or 20 bytes)") }
    (major, minor, revision) = (int32(at: 0), int32(at: 4), int32(at: 8))
    // Darknet's rule (parser.c, load_weights_upto).
    if Int(major) * 10 + Int(minor) >= 2 && major < 1000 && minor < 1000 {
      guard bytes.count >= 20 else { throw .weights(file: file, reason: "\(bytes.count) bytes: too short for a version \(major).\(minor) header (20 bytes)") }
      seen = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt64.self) }.littleEndian
      headerBytes = 20
    } else {
      seen = UInt64(UInt32(bitPattern: int32(at: 12)))
      headerBytes = 16
    }
    offset = headerBytes
  }

  /// Reads the file at `path`.
  public static func load(path: String) throws(DarknetError) -> DarknetWeights {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
      throw .io(file: path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try DarknetWeights(bytes: data, file: path)
  }

  /// The next `count` floats, for `what` of layer `layer` (named in the error
  /// when the file ends first).
  public mutating func floats(_ count: Int, for what: String, layer: String) throws(DarknetError) -> [Float] {
    let need = count * 4, left = bytes.count - offset
    guard need <= left else {
      throw .weights(
        file: file,
        reason: "\(layer): \(what) needs \(count) floats (\(need) bytes) at byte \(offset), but the file has \(left) bytes left "
          + "(the .cfg and the .weights do not match, or the file is truncated)")
    }
    let start = offset
    offset += need
    return (0..<count).map { i in
      Float(bitPattern: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self) }.littleEndian)
    }
  }

  /// Fails unless every byte was read: a longer file belongs to another `.cfg`.
  public func checkFullyRead() throws(DarknetError) {
    guard offset == bytes.count else {
      throw .weights(
        file: file,
        reason: "the .cfg's layers need \(offset - headerBytes) bytes of parameters after the \(headerBytes)-byte header, "
          + "but the file has \(bytes.count - headerBytes): the .cfg and the .weights do not match")
    }
  }
}
