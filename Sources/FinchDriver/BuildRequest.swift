import FinchCost
import FinchIR
import FinchOffload
import FinchRTL

/// Everything `finch build` needs: the model, the device and target, where to write.
public struct BuildRequest: Sendable, Equatable {
  /// The model file (.onnx, or a Darknet .cfg).
  public var model: String
  /// A Darknet .cfg's .weights file (nil: the one beside it).
  public var weights: String?
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
  /// The architecture to build, or `auto` (``ArchitectureChoice`` holds the rule).
  public var arch: ArchitectureRequest
  /// An engine configuration file for the offload side (nil: sized for the device).
  public var engineFile: String?

  public init(
    model: String, output: String, board: String, clockMHz: Double? = nil, target: FoldingTarget, foldingFile: String? = nil,
    inputType: DataType? = nil, arch: ArchitectureRequest = .dataflow, engineFile: String? = nil
  ) {
    self.model = model
    self.output = output
    self.board = board
    self.clockMHz = clockMHz
    self.target = target
    self.foldingFile = foldingFile
    self.inputType = inputType
    self.arch = arch
    self.engineFile = engineFile
  }

  /// The files the build reads (an output folder holding one is refused).
  public var inputs: [String] { ModelFile.files(model, weights: weights) + [foldingFile, engineFile].compactMap { $0 } }

  /// The engine `engineFile` holds, if one is named.
  public func engine() throws(ArchitectureError) -> EngineConfiguration? {
    guard let engineFile else { return nil }
    return try EngineConfiguration.load(path: engineFile)
  }
}

extension BuildFolder {
  /// Compiles the model, chooses and designs its accelerator and writes the
  /// build for `request`: the one build path. `progress` hears each step;
  /// `warning` hears what a folding file holds that Finch does not use.
  public static func build(
    _ request: BuildRequest, version: String, progress: (String) -> Void = { _ in }, warning: (String) -> Void = { _ in }
  ) throws -> (folder: BuildFolder, choice: ArchitectureChoice) {
    try OutputFolder.check(request.output, inputs: request.inputs)
    let engine = try request.engine()
    progress("[1/3] compiling \(request.model)")
    let compilation = try Compilation(model: request.model, weights: request.weights, inputType: request.inputType)
    try compilation.requireLowered(allowHostOps: false)
    let layers = compilation.layers
    let offloadStep = engine == nil ? "sizing an offload engine for" : "scheduling"
    switch request.arch {
    case .dataflow: progress("[2/3] folding \(layers.count) layers for \(request.board)")
    case .offload: progress("[2/3] \(offloadStep) \(layers.count) layers on \(request.board)")
    case .auto: progress("[2/3] folding and \(offloadStep) \(layers.count) layers on \(request.board)")
    }
    let choice = try ArchitectureChoice(
      graph: compilation.graph, layers: layers, request: request.arch, board: request.board, clockMHz: request.clockMHz, target: request.target,
      foldingFile: request.foldingFile, engine: engine, engineFile: request.engineFile, warning: warning)
    let contents: Contents
    switch choice.picked {
    case .dataflow(let folding):
      progress("[3/3] generating RTL")
      contents = .dataflow(folding, try Design(graph: compilation.graph, pipeline: folding.pipeline))
    case .offload(let design):
      progress("[3/3] packing the memory image of \(design.schedule.calls.count) engine calls")
      contents = .offload(design, try MemoryImage(schedule: design.schedule, layers: layers))
    }
    let folder = try write(
      to: request.output, model: request.model, compilation: compilation, choice: choice, contents: contents, inputs: request.inputs,
      version: version)
    return (folder, choice)
  }
}
