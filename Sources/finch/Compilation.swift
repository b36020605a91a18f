import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import FinchReport
import Foundation

/// A model compiled to hardware layers, with the graph text after every pass.
struct Compilation {
  var graph: Graph
  /// (pass name, graph text), starting with the imported graph.
  var stages: [(name: String, text: String)]
  var summary: CompileSummary
  /// The graph after streamlining, before lowering to hardware layers.
  var streamlined: Graph

  /// Imports and compiles `model`, printing the graph after the passes named in
  /// `printAfter` (or all) on stdout, or on stderr when stdout carries JSON.
  static func run(
    model: String, inputType: String?, printAfter: Set<String> = [], printAll: Bool = false, printToStandardError: Bool = false
  ) throws -> Compilation {
    var graph = try ONNXImporter.load(path: model)
    if let name = inputType, let dt = DataType(finnName: name) {
      for input in graph.inputs { graph.types[input]?.dataType = dt }
      try graph.inferTypes()
    }
    var stages = [("import", graph.text)]
    let observe = { (pass: String, after: Graph) in
      stages.append((pass, after.text))
      if printAll || printAfter.contains(pass) { Finch.status("// after \(pass)\n\(after.text)", toStandardError: printToStandardError) }
    }
    try Pipeline.streamline.run(on: &graph, observe: observe)
    let streamlined = graph
    try Pipeline.lower.run(on: &graph, observe: observe)
    return Compilation(graph: graph, stages: stages, summary: try CompileSummary(model: model, graph: graph), streamlined: streamlined)
  }

  /// Fails, naming the nodes, when float work would remain between hardware layers.
  func requireLowered(allowHostOps: Bool) throws {
    if !summary.unlowered.isEmpty && !allowHostOps { throw CompileError.notLowered(summary.unlowered) }
  }

  /// Writes `stages/NN-<pass>.txt`, `streamlined.onnx`, `compiled.onnx` and `summary.json` into `directory`.
  func write(into directory: URL) throws {
    let stagesDir = directory.appendingPathComponent("stages")
    try FileManager.default.createDirectory(at: stagesDir, withIntermediateDirectories: true)
    for (i, stage) in stages.enumerated() {
      try Data(stage.text.utf8).write(to: stagesDir.appendingPathComponent(String(format: "%02d-%@.txt", i, stage.name)))
    }
    try ONNXExporter.save(streamlined, path: directory.appendingPathComponent("streamlined.onnx").path)
    try ONNXExporter.save(graph, path: directory.appendingPathComponent("compiled.onnx").path)
    try JSONReport.encode(summary).write(to: directory.appendingPathComponent("summary.json"))
  }
}
