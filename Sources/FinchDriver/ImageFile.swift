import CFinchImage
import FinchDarknet
import FinchIR
import Foundation

/// Reads an image for a detector: a PNG or JPEG (8-bit RGB, each value / 255,
/// as Darknet loads images), or a `.npy` array `[C, H, W]` or `[1, C, H, W]`
/// of values in [0, 1] (Darknet's planar image).
public enum ImageFile {
  /// The most pixels an image may have (8192 × 8192).
  public static let maxPixels = 1 << 26

  public static func load(_ path: String) throws -> DarknetImage {
    if URL(fileURLWithPath: path).pathExtension.lowercased() == "npy" { return try loadNPY(path) }
    var pixels: UnsafeMutablePointer<UInt8>?
    var width: Int32 = 0, height: Int32 = 0
    var message = [CChar](repeating: 0, count: 512)
    guard finch_image_load(path, maxPixels, &pixels, &width, &height, &message, message.count) == 0, let pixels else {
      let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      throw ImageFileError(description: "\(path): \(reason)")
    }
    defer { finch_image_free(pixels) }
    let count = Int(width) * Int(height) * 3
    return DarknetImage(interleaved: Array(UnsafeBufferPointer(start: pixels, count: count)), channels: 3, height: Int(height), width: Int(width))
  }

  static func loadNPY(_ path: String) throws -> DarknetImage {
    let t = try NPY.read(path: path)
    var dims = t.shape.dims
    if dims.count == 4, dims[0] == 1 { dims.removeFirst() }
    guard dims.count == 3, dims.allSatisfy({ $0 > 0 }), dims[1] * dims[2] <= maxPixels else {
      throw ImageFileError(description: "\(path): an image array must be [C, H, W] or [1, C, H, W] of at most \(maxPixels) pixels, not \(t.shape)")
    }
    let values = t.floats
    if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
      throw ImageFileError(description: "\(path): value \(values[bad]) at flat index \(bad) is outside [0, 1] (Darknet's image values)")
    }
    return DarknetImage(channels: dims[0], height: dims[1], width: dims[2], values: values)
  }
}

/// An image file that cannot be read, naming it and why.
public struct ImageFileError: Error, CustomStringConvertible, Sendable {
  public var description: String
}
