import FinchIR
import FinchONNX
import Foundation

/// The trained QNNs bundled in `Tests/Fixtures`, with their reference data.
public struct Fixture: Sendable, CustomStringConvertible {
  /// Base name, e.g. `tfc_w1a1`.
  public let name: String

  /// The fixture with base name `name`.
  public init(name: String) { self.name = name }

  /// Every bundled model.
  public static let all = ["tfc_w1a1", "tfc_w2a2", "cnv_w1a1_small"].map(Fixture.init(name:))

  /// The trained models that branch: a residual CNN and a depthwise-separable
  /// CNN (scripts/train-branching-fixtures.py). They compile to hardware
  /// layers; their logits come from float scales after the last integer
  /// layer, so they match the reference to float rounding, not bit for bit.
  public static let branching = ["resnet_w2a2_small", "dwsep_w4a4_small"].map(Fixture.init(name:))

  /// The folder holding the fixtures.
  public static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/Fixtures")

  /// The committed characterization datasets (`Data/characterization`).
  public static let characterizationDirectory = directory.deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data/characterization")

  /// Path of a file in the fixture folder.
  public static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

  /// The cleaned QONNX model.
  public var modelPath: String { Self.path("\(name).onnx") }
  /// Brevitas' raw export of the same model.
  public var rawModelPath: String { Self.path("\(name).raw.onnx") }
  /// Reference inputs `[100, 1, H, W]`.
  public var inputPath: String { Self.path("\(name).in.npy") }
  /// Outputs qonnx computed on the inputs `[100, 10]`.
  public var outputPath: String { Self.path("\(name).out.npy") }
  /// True labels `[100]`.
  public var labelsPath: String { Self.path("\(name).labels.npy") }
  /// qonnx's predicted labels `[100]`.
  public var predictionsPath: String { Self.path("\(name).pred.npy") }

  public func model() throws -> Graph { try ONNXImporter.load(path: modelPath) }
  public func rawModel() throws -> Graph { try ONNXImporter.load(path: rawModelPath) }
  public func inputs() throws -> Tensor { try NPY.read(path: inputPath) }
  public func outputs() throws -> Tensor { try NPY.read(path: outputPath) }
  public func predictions() throws -> [Int64] { try NPY.read(path: predictionsPath).int64s }

  public var description: String { name }
}
