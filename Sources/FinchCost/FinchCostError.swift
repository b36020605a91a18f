/// Why a cost question cannot be answered.
public enum FinchCostError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A board or part name that is not in the catalogue.
  case unknownDevice(String, known: [String])
  /// A folding file names a layer the model does not have.
  case unknownLayer(String, known: [String])
  /// A folding breaks a divisibility or coupling rule.
  case invalidFolding(layer: String, reason: String)
  /// A folding file that cannot be read or is in neither Finch's nor FINN's form.
  case invalidFoldingFile(path: String, reason: String)
  /// A target or budget that makes no sense (not positive, above 1, ...).
  case invalidTarget(String)
  /// A hardware-layer node whose facts cannot be computed (a graph no pass should produce).
  case invalidLayer(layer: String, reason: String)
  /// A characterization dataset or resource-model coefficient file that cannot be read.
  case invalidDataset(path: String, reason: String)
  /// The model has no hardware layers to fold.
  case noHardwareLayers
  /// Hardware layers that compile and run, but that no dataflow design can hold yet.
  case unsupportedDesign(layer: String, reason: String)
  /// The device catalogue (`devices.json`) is missing, malformed or inconsistent.
  case invalidCatalogue(String)
  /// A model without multiply-accumulates, which a roofline cannot place.
  case noMultiplyAccumulates(model: String)

  public var description: String {
    switch self {
    case .unknownDevice(let name, let known): return "unknown board or part '\(name)'; known: \(known.joined(separator: ", "))"
    case .unknownLayer(let name, let known):
      return "folding names layer '\(name)', which the model does not have; layers: \(known.joined(separator: ", "))"
    case .invalidFolding(let layer, let reason): return "folding of layer '\(layer)': \(reason)"
    case .invalidFoldingFile(let path, let reason): return "folding file \(path): \(reason)"
    case .invalidTarget(let reason): return reason
    case .invalidLayer(let layer, let reason): return "hardware layer '\(layer)': \(reason)"
    case .invalidDataset(let path, let reason): return "\(path): \(reason)"
    case .unsupportedDesign(let layer, let reason): return "cannot build a dataflow design at layer '\(layer)': \(reason)"
    case .noHardwareLayers: return "the model has no hardware layers (compile it first, or check `finch compile`'s report)"
    case .invalidCatalogue(let reason): return "device catalogue: \(reason)"
    case .noMultiplyAccumulates(let model):
      return "model '\(model)' has no MatMul, Gemm or Conv layers, so it has no arithmetic intensity to plot"
    }
  }
}
