import ArgumentParser
import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import FinchReport
import Foundation

/// `finch compile`: streamline and lower a model to hardware layers.
struct Compile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Streamline a QNN to integer weights and thresholds and lower it to hardware layers.",
    discussion: """
      Writes DIR/stages/NN-<pass>.txt (the graph after import and after every pass that changed it), \
      DIR/streamlined.onnx (integer weights and thresholds, before lowering), DIR/compiled.onnx (QONNX with hardware layers in the `finch` domain; `finch run` accepts it) \
      and DIR/summary.json (hardware layers in stream order; host prologue and epilogue). \
      The folder is written only when compilation succeeds. Fails, listing the nodes, when float \
      operations remain between hardware layers, unless --allow-host-ops is given.
      """)

  @Argument(help: "The model (.onnx).")
  var model: String

  @Option(name: .shortAndLong, help: "Output folder: new, empty, or one Finch wrote (then replaced); never any other folder.")
  var output: String

  @Option(help: "Declare the graph input's datatype (e.g. UINT8) when the model does not annotate it.")
  var inputType: String?

  @Option(help: "Print the graph after the named pass (repeatable).")
  var printAfter: [String] = []

  @Flag(help: "Print the graph after every pass.")
  var printAll = false

  @Flag(help: "Keep float operations between hardware layers on the host instead of failing.")
  var allowHostOps = false

  @Flag(help: "Print {folder, summary} as one JSON object (graphs from --print-after go to stderr).")
  var json = false

  /// What `--json` prints.
  struct Result: Encodable {
    var folder: String
    var summary: CompileSummary
  }

  func validate() throws {
    let known = Set(Pipeline.compile.passNames)
    for name in printAfter where !known.contains(name) {
      throw ValidationError("unknown pass '\(name)'; passes: \(Pipeline.compile.passNames.joined(separator: ", "))")
    }
    if let t = inputType, DataType(finnName: t) == nil { throw ValidationError("'\(t)' is not a FINN datatype (e.g. UINT8, INT4, BIPOLAR)") }
  }

  func run() throws {
    try Finch.reportingErrors {
      try OutputFolder.check(output, inputs: [model])
      let compilation = try Compilation.run(
        model: model, inputType: inputType, printAfter: Set(printAfter), printAll: printAll, printToStandardError: json)
      try compilation.requireLowered(allowHostOps: allowHostOps)
      try OutputFolder.write(to: output, command: "compile", version: Finch.version, inputs: [model]) { dir in
        try compilation.write(into: dir)
      }
      if json { return try JSONReport.print(Result(folder: output, summary: compilation.summary)) }
      print(Self.report(compilation.summary, folder: output))
    }
  }

  /// A short human-readable account of the compiled model.
  static func report(_ s: CompileSummary, folder: String) -> String {
    var lines = ["compiled \(s.model) -> \(folder)", "hardware layers (stream order):"]
    for l in s.layers {
      let attrs = l.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.map(String.init).joined(separator: "x"))" }
      var detail = "\(l.inputType) -> \(l.outputType)"
      if let w = l.weightType { detail += ", weights \(w)" }
      if let a = l.accumulatorType { detail += ", acc \(a)" }
      if l.thresholds > 0 { detail += ", \(l.thresholds) thresholds" }
      if l.xnor == true { detail += ", XNOR" }
      lines.append("  \(l.op.padding(toLength: 16, withPad: " ", startingAt: 0)) \(l.name): \(attrs.joined(separator: " ")); \(detail)")
    }
    for (title, nodes) in [("host prologue", s.host.prologue), ("host epilogue", s.host.epilogue), ("left on host (--allow-host-ops)", s.unlowered)]
    where !nodes.isEmpty {
      lines.append("\(title): " + nodes.map { "\($0.name) (\($0.op): \($0.reason))" }.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }
}

/// Why `finch compile` stopped.
enum CompileError: Error, CustomStringConvertible {
  case notLowered([HardwarePartition.HostNode])

  var description: String {
    switch self {
    case .notLowered(let nodes):
      return "\(nodes.count) node\(nodes.count == 1 ? "" : "s") cannot run in hardware and are not simple host pre- or post-processing: "
        + nodes.map { "'\($0.name)' (\($0.op)): \($0.reason)" }.joined(separator: "; ")
        + " (pass --allow-host-ops to run them on the host)"
    }
  }
}
