import FinchCost
import FinchIR
import FinchONNX
import FinchOffload
import FinchRTL
import FinchReport
import Foundation

/// A `finch build` output folder: its layout, writing it whole, and reading it back.
///
/// Every build:
/// ```
/// DIR/finch-output.json    marker (written by, version, command "build")
///     report.html           the build as a page a person opens in a browser (FolderReport; renewed by `finch synth`)
///     architecture.json     the architecture built and why, with the estimates made (ArchitectureChoice.Report)
///     compiled.onnx         the compiled graph (hardware layers in the `finch` domain)
///     streamlined.onnx      the graph before lowering
///     summary.json          hardware layers and host work (CompileSummary)
///     stages/NN-<pass>.txt  the graph after import and after every pass
///     inputs.npy labels.npy reference samples, when the model had them beside it
/// ```
/// A dataflow build adds:
/// ```
///     folding.json          the folding (Finch's form); folding_config.json: FINN's form
///     estimates.json        cycles and resources per element (Estimate)
///     rtl/                  the design: Verilog, memory files, manifest.json
///     sim/                  where `finch simulate` runs (testbench, simulator build)
///     synth/                where `finch synth` runs (netlist, logs, report.json)
/// ```
/// An offload build adds (Docs/offload.md §6):
/// ```
///     engine.json           the engine (EngineConfiguration; `--engine` reads it back)
///     schedule.json         the schedule (Schedule, schema_version 2)
///     memory.bin            the memory image: weights and thresholds (MemoryImage)
///     offload_estimate.json the engine's resources and the cycles per call (OffloadDesign.Report)
///     rtl/                  the engine's Verilog: library modules, finch_top.v, manifest.json (EngineDesign)
///     sim/                  where `finch simulate` runs (the Verilator harness build)
///     synth/                where `finch synth` runs
/// ```
public struct BuildFolder: Sendable {
  public static let compiledGraph = "compiled.onnx"
  public static let streamlinedGraph = "streamlined.onnx"
  public static let summary = "summary.json"
  public static let stages = "stages"
  public static let folding = "folding.json"
  public static let finnFolding = "folding_config.json"
  public static let estimate = "estimates.json"
  public static let rtl = "rtl"
  public static let sim = "sim"
  public static let synth = "synth"
  public static let inputs = "inputs.npy"
  public static let labels = "labels.npy"
  public static let architecture = "architecture.json"
  public static let engine = "engine.json"
  public static let schedule = "schedule.json"
  public static let memoryImage = "memory.bin"
  public static let offloadEstimate = "offload_estimate.json"
  /// Reference files copied from beside the model: (suffix of the model's base name, name in the folder).
  static let referenceFiles = [(".in.npy", inputs), (".labels.npy", labels)]

  /// The folder.
  public let url: URL

  /// Opens a folder `finch build` wrote; anything else is refused.
  public init(_ path: String) throws(OutputError) {
    try OutputFolder.requireWritten(by: "build", path)
    url = URL(fileURLWithPath: path)
  }

  /// The file or folder `name` inside.
  public func path(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// The compiled graph.
  public func graph() throws -> Graph { try ONNXImporter.load(path: path(Self.compiledGraph).path) }

  /// The folding of `layers` (the compiled graph's), checked against them.
  public func folding(of layers: [HardwareLayer]) throws -> NetworkFolding {
    try FoldingConfig.load(path: path(Self.folding).path).config.complete(in: layers)
  }

  /// The dataflow pipeline `build` placed: the recorded folding, each FIFO as
  /// deep as `rtl/manifest.json` says (sized once, at build time).
  public func pipeline(of layers: [HardwareLayer]) throws -> DataflowPipeline {
    let recorded = try writtenDesign().manifest.layers.filter { $0.module == "finch_fifo" }
    let depths = Dictionary(recorded.compactMap { e in e.parameters["DEPTH"].flatMap { Int($0) }.map { (e.name, $0) } }, uniquingKeysWith: { a, _ in a })
    return try DataflowPipeline(layers: layers, folding: try folding(of: layers), fifoDepth: { _, _ in StreamGlue.minimumFIFODepth })
      .withFIFODepths(depths)
  }

  /// The estimate written at build time.
  public func estimate() throws -> Estimate {
    try JSONDecoder().decode(Estimate.self, from: Data(contentsOf: path(Self.estimate)))
  }

  /// The design in `rtl/`, checked unedited and complete.
  public func writtenDesign() throws(RTLError) -> WrittenDesign { try WrittenDesign(directory: path(Self.rtl)) }

  /// What a build writes beside the compilation: one architecture's design.
  public enum Contents: Sendable {
    /// The folding and the design.
    case dataflow(FoldingChoice, Design)
    /// The engine, schedule and estimate, and the packed memory image.
    case offload(OffloadDesign, MemoryImage)
  }

  /// Writes a whole build into `output` (new, empty, or a folder Finch wrote):
  /// the compilation, the architecture `choice`, the design's files
  /// (`contents`, see the layout above) and the model's reference samples.
  /// Nothing is written unless every file is.
  public static func write(
    to output: String, model: String, compilation: Compilation, choice: ArchitectureChoice, contents: Contents, inputs: [String], version: String
  ) throws -> BuildFolder {
    try OutputFolder.write(to: output, command: "build", version: version, inputs: inputs) { dir in
      try compilation.write(into: dir)
      try JSONReport.encode(choice.report).write(to: dir.appendingPathComponent(architecture))
      switch contents {
      case .dataflow(let choice, let design):
        try JSONReport.encode(choice.folding.config).write(to: dir.appendingPathComponent(folding))
        try choice.folding.config.finnJSON(for: choice.pipeline.layers).write(to: dir.appendingPathComponent(finnFolding))
        try JSONReport.encode(choice.estimate).write(to: dir.appendingPathComponent(estimate))
        try design.write(to: dir.appendingPathComponent(rtl))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(sim), withIntermediateDirectories: true)
      case .offload(let design, let image):
        try JSONReport.encode(design.engine).write(to: dir.appendingPathComponent(engine))
        try design.schedule.json().write(to: dir.appendingPathComponent(schedule))
        try image.write(to: dir.appendingPathComponent(memoryImage))
        try JSONReport.encode(design.report).write(to: dir.appendingPathComponent(offloadEstimate))
        try EngineDesign(engine: design.engine).write(to: dir.appendingPathComponent(rtl))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(sim), withIntermediateDirectories: true)
      }
      let base = URL(fileURLWithPath: model).deletingPathExtension()
      for (suffix, name) in referenceFiles {
        let source = URL(fileURLWithPath: base.path + suffix)
        if FileManager.default.fileExists(atPath: source.path) {
          try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(name))
        }
      }
      try Data(try FolderReport.html(of: dir).utf8).write(to: dir.appendingPathComponent(FolderReport.fileName))
    }
    return try BuildFolder(output)
  }
}
