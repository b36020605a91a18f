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

  /// Reads a folding file.
  static func readFolding(_ path: String) throws -> FoldingConfig {
    do {
      return try JSONDecoder().decode(FoldingConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw FinchCostError.invalidTarget("\(path): not a folding file ({\"layers\": [{\"name\": ..., \"pe\": ..., \"simd\": ...}]}): \(error)")
    }
  }
}
