import FinchCost
import FinchIR

/// One element of a ``DataflowPipeline`` placed as a library module: which
/// module, its parameter values, the memory files it reads, its streams and
/// the instances it reads.
public struct ModuleInstance: Sendable {
  /// The library module, e.g. `finch_mvau`.
  public var module: String
  /// The element's name in the pipeline (and in every report).
  public var elementName: String
  /// The instance name (the element's Verilog identifier).
  public var name: String
  /// Parameter names and Verilog literal values, in declaration order.
  public var parameters: [(name: String, value: String)]
  /// Memory files it reads: file name to contents (`$readmemh` lines).
  public var memoryFiles: [String: String]
  /// The (first) input stream.
  public var input: StreamFormat
  /// A sum's second input stream.
  public var secondInput: StreamFormat?
  /// The instances (by index in the design) and their outputs it reads, one
  /// per input (none: the accelerator's input).
  public var sources: [DataflowPipeline.Element.Source]
  /// The output stream.
  public var output: StreamFormat
  /// Input and output words per frame.
  public var inputWords: Int
  public var outputWords: Int

  /// `module` placed for `element`.
  public init(
    module: String, element: DataflowPipeline.Element, parameters: [(name: String, value: String)], memoryFiles: [String: String] = [:]
  ) {
    self.module = module
    elementName = element.name
    name = element.instance
    self.parameters = parameters
    self.memoryFiles = memoryFiles
    input = element.input
    secondInput = element.secondInput
    sources = element.sources
    output = element.output
    inputWords = element.inputWords
    outputWords = element.outputWords
  }

  /// A Verilog string literal parameter value.
  public static func string(_ s: String) -> String { "\"\(s)\"" }
}
