import FinchDarknet
import FinchIR
import FinchONNX
import Foundation

/// The model a user names on the command line: an ONNX file (QONNX,
/// FINN-ONNX or QDQ) or a Darknet network, its `.cfg` with its `.weights`
/// (given, or the file beside the `.cfg` with the same base name).
public enum ModelFile {
  /// Whether `path` names a Darknet `.cfg`.
  public static func isDarknet(_ path: String) -> Bool { URL(fileURLWithPath: path).pathExtension.lowercased() == "cfg" }

  /// Imports the model at `path`; `weights` is the `.weights` file of a Darknet `.cfg`.
  public static func load(_ path: String, weights: String? = nil) throws -> Graph {
    if isDarknet(path) { return try DarknetImporter.load(cfg: path, weights: weights) }
    if let weights { throw ModelFileError(description: "--weights \(weights): only a Darknet .cfg model takes a .weights file, not \(path)") }
    return try ONNXImporter.load(path: path)
  }

  /// Every file importing `path` reads (the model, and a `.cfg`'s weights).
  public static func files(_ path: String, weights: String? = nil) -> [String] {
    isDarknet(path) ? [path, weights ?? DarknetImporter.defaultWeightsPath(path)] : [path]
  }
}

/// A model file named with options that do not fit it.
public struct ModelFileError: Error, CustomStringConvertible, Sendable {
  public var description: String
}
