import ArgumentParser
import FinchDriver
import FinchIR
import FinchONNX
import FinchPasses
import FinchReport
import Foundation

/// `finch export`: write a model as QONNX, standard ONNX QDQ or plain float ONNX.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a model as QONNX, standard ONNX QDQ or plain float ONNX.",
    discussion: """
      --format qonnx writes the imported model back as QONNX. --format qdq writes standard ONNX: \
      activation quantizers become [Clip ->] QuantizeLinear -> DequantizeLinear and quantized weights \
      INT8/UINT8 initializers feeding DequantizeLinear; it fails, naming the node, for what QDQ cannot \
      express exactly (BipolarQuant and other sign quantizers, rounding other than ROUND, more than 8 bits, \
      non-zero zero points). --format float writes plain float ops (Div, Add, Clip, Round, Sub, Mul; Sign for \
      bipolar quantizers) with quantized weights folded to floats; both give the same outputs as the QONNX \
      model. The file appears whole or not at all; an existing file is replaced (through a symbolic link), \
      never a folder, device or the input model. -o - writes the model to standard output.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case qonnx, qdq, float
  }

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Option(help: "Output format: qonnx, qdq or float.")
  var format: Format = .qonnx

  @Option(name: .shortAndLong, help: "Output model (.onnx; - for standard output), replaced if it exists.")
  var output: String

  @Flag(help: "Print {model, output, format, nodes} as one JSON object (not with -o -).")
  var json = false

  /// What `--json` prints.
  struct Result: Encodable {
    var model: String
    var output: String
    var format: String
    var nodes: Int
  }

  func validate() throws {
    if json && output == OutputFile.standardOutput { throw ValidationError("--json and -o - both want standard output; give -o FILE") }
  }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = ModelFile.files(model, weights: darknet.weights)
      try OutputFile.check(output, inputs: inputs, allowStandardOutput: true)
      var graph = try ModelFile.load(model, weights: darknet.weights)
      switch format {
      case .qonnx: break
      case .qdq: try Pipeline.qdq.run(on: &graph)
      case .float: try Pipeline.floatONNX.run(on: &graph)
      }
      try OutputFile.write(try ONNXExporter.encode(graph), to: output, inputs: inputs, allowStandardOutput: true)
      if json { return try JSONReport.print(Result(model: model, output: output, format: format.rawValue, nodes: graph.nodes.count)) }
      Finch.status("exported \(model) -> \(output) (\(format.rawValue), \(graph.nodes.count) nodes)", toStandardError: output == OutputFile.standardOutput)
    }
  }
}
