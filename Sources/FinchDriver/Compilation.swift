import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import FinchReport
import Foundation

/// A model compiled to hardware layers: the one compile path that `compile`,
/// `estimate`, `build`, `run` and `bench` share, with the graph text after every pass.
public struct Compilation: Sendable {
  /// The graph after one stage.
  public struct Stage: Sendable {
    /// The pass that ran ("import" for the imported graph).
    public var name: String
    /// The graph's text (``Graph/text``).
    public var text: String
  }

  /// The compiled graph (hardware layers and the host work around them).
  public var graph: Graph
  /// The graph after import and after every pass that changed it.
  public var stages: [Stage]
  /// The hardware layers, in stream order.
  public var layers: [HardwareLayer]
  /// Hardware layers and host work, as `finch compile` reports them.
  public var summary: CompileSummary
  /// The graph after streamlining, before lowering to hardware layers.
  public var streamlined: Graph

  /// Compiles `graph` (imported from `model`); `observe` sees the graph after
  /// every pass that changed it. Without `recordingStages`, ``stages`` stays
  /// empty (the CPU backend needs only the graph).
  public init(
    graph imported: Graph, model: String, recordingStages: Bool = true, observe: (String, Graph) -> Void = { _, _ in }
  ) throws {
    var graph = imported
    var stages = recordingStages ? [Stage(name: "import", text: graph.text)] : []
    let record = { (pass: String, after: Graph) in
      if recordingStages { stages.append(Stage(name: pass, text: after.text)) }
      observe(pass, after)
    }
    try Pipeline.streamline.run(on: &graph, observe: record)
    streamlined = graph
    try Pipeline.lower.run(on: &graph, observe: record)
    self.graph = graph
    self.stages = stages
    layers = try HardwareLayer.layers(of: graph)
    summary = CompileSummary(model: model, graph: graph, layers: layers)
  }

  /// Imports and compiles the model at `path` (``ModelFile``: `weights` for a
  /// Darknet `.cfg`), declaring its inputs `inputType` when given.
  public init(model path: String, weights: String? = nil, inputType: DataType? = nil, observe: (String, Graph) -> Void = { _, _ in }) throws {
    var graph = try ModelFile.load(path, weights: weights)
    if let inputType {
      for input in graph.inputs { graph.types[input]?.dataType = inputType }
      try graph.inferTypes()
    }
    try self.init(graph: graph, model: path, observe: observe)
  }

  /// The compiled graph of `path`: a `finch compile` or `finch build` folder
  /// (its `compiled.onnx`), or a model file compiled now.
  public static func compiledGraph(_ path: String, weights: String? = nil, inputType: DataType? = nil) throws -> Graph {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      return try ONNXImporter.load(path: URL(fileURLWithPath: path).appendingPathComponent(BuildFolder.compiledGraph).path)
    }
    return try Compilation(model: path, weights: weights, inputType: inputType).graph
  }

  /// Fails, naming the nodes, when float work would remain between hardware layers.
  public func requireLowered(allowHostOps: Bool) throws(CompileError) {
    if !summary.unlowered.isEmpty && !allowHostOps { throw .notLowered(summary.unlowered) }
  }

  /// Writes `stages/NN-<pass>.txt`, `streamlined.onnx`, `compiled.onnx` and `summary.json` into `directory`.
  public func write(into directory: URL) throws {
    let stagesDir = directory.appendingPathComponent(BuildFolder.stages)
    try FileManager.default.createDirectory(at: stagesDir, withIntermediateDirectories: true)
    for (i, stage) in stages.enumerated() {
      try Data(stage.text.utf8).write(to: stagesDir.appendingPathComponent(String(format: "%02d-%@.txt", i, stage.name)))
    }
    try ONNXExporter.save(streamlined, path: directory.appendingPathComponent(BuildFolder.streamlinedGraph).path)
    try ONNXExporter.save(graph, path: directory.appendingPathComponent(BuildFolder.compiledGraph).path)
    try JSONReport.encode(summary).write(to: directory.appendingPathComponent(BuildFolder.summary))
  }
}

/// Why a model could not be compiled for hardware.
public enum CompileError: Error, Sendable, CustomStringConvertible {
  /// Nodes between hardware layers that no hardware layer implements.
  case notLowered([HardwarePartition.HostNode])

  public var description: String {
    switch self {
    case .notLowered(let nodes):
      return "\(nodes.count) node\(nodes.count == 1 ? "" : "s") cannot run in hardware and are not simple host pre- or post-processing: "
        + nodes.map { "'\($0.name)' (\($0.op)): \($0.reason)" }.joined(separator: "; ")
        + " (`finch compile --allow-host-ops` leaves them on the host; a dataflow build needs every one in hardware)"
    }
  }
}
