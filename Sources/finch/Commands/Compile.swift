import ArgumentParser
import FinchCost
import FinchDriver
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

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Option(name: .shortAndLong, help: "Output folder: new, empty, or one Finch wrote (then replaced); never any other folder.")
  var output: String

  @Option(help: "Declare the graph input's datatype (e.g. UINT8) when the model does not annotate it.")
  var inputType: String?

  @Option(help: "Print the graph after the named pass (repeatable).")
  var printAfter: [String] = []

  @Flag(help: "Print the graph after every pass.")
  var printAll = false

  @Flag(help: "With --print-after/--print-all: print the exact IR (every constant; Finch's IR parser reads it back).")
  var ir = false

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
      let inputs = ModelFile.files(model, weights: darknet.weights)
      try OutputFolder.check(output, inputs: inputs)
      let printed = Set(printAfter)
      let compilation = try Compilation(model: model, weights: darknet.weights, inputType: inputType.flatMap(DataType.init(finnName:))) { pass, graph in
        if printAll || printed.contains(pass) {
          Finch.status("// after \(pass)\n\(ir ? graph.fullText : graph.text)", toStandardError: json)
        }
      }
      try compilation.requireLowered(allowHostOps: allowHostOps)
      try OutputFolder.write(to: output, command: "compile", version: Finch.version, inputs: inputs) { dir in
        try compilation.write(into: dir)
      }
      if json { return try JSONReport.print(Result(folder: output, summary: compilation.summary)) }
      print(TextReport.compile(compilation.summary, folder: output))
    }
  }
}
