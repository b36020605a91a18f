import FinchCost
import FinchIR
import FinchRTL

/// Everything `finch build` needs: the model, the device and target, where to write.
public struct BuildRequest: Sendable, Equatable {
  /// The model file (.onnx).
  public var model: String
  /// The output folder (new, empty, or one Finch wrote).
  public var output: String
  /// The board or part name (see `finch devices`).
  public var board: String
  /// The clock in MHz (nil: the board's).
  public var clockMHz: Double?
  /// What the folding is chosen for.
  public var target: FoldingTarget
  /// A folding file pinning some layers (Finch's or FINN's form).
  public var foldingFile: String?
  /// The graph inputs' datatype, for models that do not annotate it.
  public var inputType: DataType?

  public init(
    model: String, output: String, board: String, clockMHz: Double? = nil, target: FoldingTarget, foldingFile: String? = nil,
    inputType: DataType? = nil
  ) {
    self.model = model
    self.output = output
    self.board = board
    self.clockMHz = clockMHz
    self.target = target
    self.foldingFile = foldingFile
    self.inputType = inputType
  }

  /// The files the build reads (an output folder holding one is refused).
  public var inputs: [String] { [model] + (foldingFile.map { [$0] } ?? []) }
}

extension BuildFolder {
  /// Compiles, folds and writes the accelerator for `request`: the one build
  /// path. `progress` hears each step; `warning` hears what a folding file
  /// holds that Finch does not use.
  public static func build(
    _ request: BuildRequest, version: String, progress: (String) -> Void = { _ in }, warning: (String) -> Void = { _ in }
  ) throws -> (folder: BuildFolder, choice: FoldingChoice) {
    try OutputFolder.check(request.output, inputs: request.inputs)
    progress("[1/3] compiling \(request.model)")
    let compilation = try Compilation(model: request.model, inputType: request.inputType)
    try compilation.requireLowered(allowHostOps: false)
    let layers = compilation.layers
    progress("[2/3] folding \(layers.count) layers for \(request.board)")
    let choice = try FoldingChoice(
      layers: layers, board: request.board, clockMHz: request.clockMHz, target: request.target, foldingFile: request.foldingFile,
      warning: warning)
    progress("[3/3] generating RTL")
    let design = try Design(graph: compilation.graph, pipeline: choice.pipeline)
    let folder = try write(
      to: request.output, model: request.model, compilation: compilation, choice: choice, design: design, inputs: request.inputs,
      version: version)
    return (folder, choice)
  }
}
