import FinchIR

/// One layer of the library placed in a design: which module, its parameter
/// values, the memory files it reads, and the streams it consumes and produces.
public struct ModuleInstance: Sendable {
  /// The library module, e.g. `finch_mvau`.
  public var module: String
  /// The instance name (a Verilog identifier).
  public var name: String
  /// Parameter names and Verilog literal values, in declaration order.
  public var parameters: [(name: String, value: String)]
  /// Memory files it reads: file name to contents (`$readmemh` lines).
  public var memoryFiles: [String: String]
  /// The input stream.
  public var input: StreamFormat
  /// The output stream.
  public var output: StreamFormat
  /// Input and output words per frame.
  public var inputWords: Int
  public var outputWords: Int

  public init(
    module: String, name: String, parameters: [(name: String, value: String)], memoryFiles: [String: String] = [:],
    input: StreamFormat, output: StreamFormat, inputWords: Int, outputWords: Int
  ) {
    self.module = module
    self.name = name
    self.parameters = parameters
    self.memoryFiles = memoryFiles
    self.input = input
    self.output = output
    self.inputWords = inputWords
    self.outputWords = outputWords
  }

  /// A Verilog string literal parameter value.
  public static func string(_ s: String) -> String { "\"\(s)\"" }
}

/// Verilog identifiers from arbitrary layer names.
public func verilogIdentifier(_ name: String) -> String {
  var s = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
  if s.first?.isNumber ?? true { s = "l_" + s }
  return s
}
