import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import Foundation

/// Loading a model for the backends: a `finch compile` folder, or a QONNX
/// file compiled on the fly.
enum CompiledModel {
  /// The compiled graph of `path` (a folder holding `compiled.onnx`, or a model file).
  static func load(_ path: String, inputType: String?) throws -> Graph {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      return try ONNXImporter.load(path: URL(fileURLWithPath: path).appendingPathComponent("compiled.onnx").path)
    }
    return try Compilation.run(model: path, inputType: inputType).graph
  }

  /// Reads a folding file in Finch's or FINN's form, warning on stderr about
  /// the keys Finch does not use.
  static func readFolding(_ path: String) throws -> FoldingConfig {
    let loaded = try FoldingConfig.load(path: path)
    if !loaded.ignored.isEmpty {
      Finch.progress("warning: folding file \(path): ignoring what Finch does not use: \(loaded.ignored.joined(separator: ", "))")
    }
    return loaded.config
  }
}
