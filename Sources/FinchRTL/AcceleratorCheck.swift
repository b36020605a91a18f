import FinchCost
import FinchIR
import FinchInterpreter
import Foundation

/// Runs raw model inputs through the host prologue (in the interpreter), the
/// accelerator (in a simulator) and compares every accelerator output word
/// with the interpreter's.
public struct AcceleratorCheck: Sendable {
  /// What one check found: what `finch simulate --json` prints.
  public struct Report: Codable, Sendable {
    public var frames: Int
    public var mismatches: Int
    /// Steady-state cycles between consecutive frames' last output words (the first frame's end with one frame).
    public var cyclesPerFrame: Double
    public var estimatedCyclesPerFrame: Int
    /// Cycles from reset to the first frame's last output word (its first input word enters in cycle 2).
    public var firstFrameLatencyCycles: Int
    /// The latency model's first-frame latency (``LatencyEstimate``), when given.
    public var estimatedFirstFrameLatencyCycles: Int?
    /// The cycle each frame's last output word left, counted as the first frame latency is.
    public var frameEndCycles: [Int]
    /// The same cycles from ``FinchCost/StreamSimulation`` (the handshake model of
    /// the same design, stalls and seed), when the check has the design's pipeline.
    public var modelledFrameEndCycles: [Int]?
    public var simCyclesPerSecond: Double
    public var buildSeconds: Double
    public var simulator: String
    /// The first mismatching frame, if any.
    public var firstMismatch: Int?

    enum CodingKeys: String, CodingKey {
      case frames, mismatches, simulator
      case cyclesPerFrame = "cycles_per_frame"
      case estimatedCyclesPerFrame = "estimated_cycles_per_frame"
      case firstFrameLatencyCycles = "first_frame_latency_cycles"
      case estimatedFirstFrameLatencyCycles = "estimated_first_frame_latency_cycles"
      case frameEndCycles = "frame_end_cycles"
      case modelledFrameEndCycles = "modelled_frame_end_cycles"
      case simCyclesPerSecond = "sim_cycles_per_second"
      case buildSeconds = "build_seconds"
      case firstMismatch = "first_mismatch"
    }
  }

  public var graph: Graph
  /// The design's streams: which values it consumes and produces, and their packing.
  public var manifest: Design.Manifest
  /// What is simulated: a design written afresh, or one a build wrote.
  private let source: Source
  /// The pipeline the design places, when known.
  private let pipeline: DataflowPipeline?

  private enum Source: Sendable {
    case design(Design)
    case written(WrittenDesign)
  }

  /// Checks `design`, made from `graph` (written afresh where it simulates).
  public init(graph: Graph, design: Design) {
    self.graph = graph
    pipeline = design.pipeline
    manifest = design.manifest
    source = .design(design)
  }

  /// Checks the design a build wrote (its checked `rtl/`), streams as its
  /// manifest says; `pipeline`, the pipeline it places, adds the handshake
  /// model's frame ends to the report.
  public init(graph: Graph, written: WrittenDesign, pipeline: DataflowPipeline? = nil) {
    self.graph = graph
    self.pipeline = pipeline
    manifest = written.manifest
    source = .written(written)
  }

  /// Simulates `samples` (a batch of raw model inputs, one frame per sample)
  /// in `directory`; the report carries the estimates given beside what was measured.
  public func run(
    samples: Tensor, directory: URL, simulator: Simulation.Simulator, stall: Int, estimatedCyclesPerFrame: Int,
    estimatedFirstFrameLatencyCycles: Int? = nil
  ) throws -> Report {
    let input = try manifest.input.format(), output = try manifest.output.format()
    let outputShape = Shape(manifest.output.shape)
    guard let inputName = graph.inputs.first, let inputType = graph.types[inputName] else {
      throw RTLError.unsupported(layer: graph.name, reason: "the graph has no typed input")
    }
    let interpreter = Interpreter(graph: graph)
    var hardwareInputs: [Tensor] = [], expected: [Tensor] = []
    for sample in try Interpreter.split(samples, into: inputType, name: inputName) {
      let values = try interpreter.runAll([inputName: sample])
      guard let x = values[manifest.input.value], let y = values[manifest.output.value] else {
        throw RTLError.unsupported(layer: graph.name, reason: "the interpreter did not compute the accelerator's input or output")
      }
      hardwareInputs.append(x)
      expected.append(y)
    }
    let sources: [String]
    switch source {
    case .design(let design): sources = try design.write(to: directory)
    case .written(let written): sources = try written.copy(to: directory)
    }
    var sim = Simulation(directory: directory, sources: sources, inputWidth: input.wordBits, outputWidth: output.wordBits)
    sim.simulator = simulator
    sim.stall = stall
    let perFrame = manifest.output.wordsPerFrame
    let words = try hardwareInputs.flatMap { frame throws -> [String] in try input.words(frame) }
    let result = try sim.run(input: words, outputCount: perFrame * hardwareInputs.count)
    var mismatches = 0
    var firstMismatch: Int?
    for f in expected.indices {
      let got = try output.tensor(fromWords: Array(result.words[(f * perFrame)..<((f + 1) * perFrame)]), shape: outputShape)
      if got.int64s != expected[f].int64s {
        mismatches += 1
        firstMismatch = firstMismatch ?? f
      }
    }
    let ends = expected.indices.map { result.cycles[($0 + 1) * perFrame - 1] }
    var modelled: [Int]?
    if let pipeline {
      var model = StreamSimulation(pipeline, frames: expected.count)
      (model.stall, model.seed) = (stall, sim.seed)
      modelled = model.run().frameEnds
    }
    let steady = ends.count > 1 ? Double(ends[ends.count - 1] - ends[0]) / Double(ends.count - 1) : Double(ends[0])
    return Report(
      frames: expected.count, mismatches: mismatches, cyclesPerFrame: steady, estimatedCyclesPerFrame: estimatedCyclesPerFrame,
      firstFrameLatencyCycles: ends[0], estimatedFirstFrameLatencyCycles: estimatedFirstFrameLatencyCycles, frameEndCycles: ends,
      modelledFrameEndCycles: modelled,
      simCyclesPerSecond: Double(result.cycles.last ?? 0) / max(result.runSeconds, 1e-9),
      buildSeconds: result.buildSeconds, simulator: simulator.rawValue, firstMismatch: firstMismatch)
  }
}
