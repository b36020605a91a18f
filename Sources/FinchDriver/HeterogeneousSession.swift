import FinchCost
import FinchIR
import FinchInterpreter
import FinchOffload
import Foundation

/// A model run the way it runs on a board with an offload engine: the layers
/// the engine runs on its reference model (``EngineModel``, bit-exact with
/// the engine's Verilog), the layers placed on the CPU on the CPU backend,
/// the host prologue and epilogue around them (`finch run --backend hetero`).
/// Each frame's time is split per step: CPU steps measured on this machine,
/// engine steps from the cost model at the board's clock and bandwidth.
public struct HeterogeneousSession: Sendable {
  public let design: OffloadDesign
  public let offloadRun: OffloadRun

  /// Compiles `model` and schedules it on an engine for `board` (sized by the
  /// solver, or `engine`), layers placed as `placement` says.
  public init(
    model: String, weights: String? = nil, board: String, clockMHz: Double? = nil, engine: EngineConfiguration? = nil,
    engineFile: String? = nil, placement: [String: Placement] = [:]
  ) throws {
    let graph = try Compilation(model: model, weights: weights).graph
    design = try ArchitectureChoice.offloadDesign(
      graph: graph, board: board, clockMHz: clockMHz, target: .budget(0.8), engine: engine, engineFile: engineFile, placement: placement)
    let image = try MemoryImage(schedule: design.schedule, layers: try HardwareLayer.layers(of: graph))
    offloadRun = try OffloadRun(graph: graph, schedule: design.schedule, image: image)
  }

  /// One step of a frame and where its time comes from.
  public struct StepTime: Sendable, Codable, Equatable {
    /// Where a step runs.
    public enum Place: String, Sendable, Codable { case accelerator, cpu, host }
    /// Where a step's time comes from.
    public enum Source: String, Sendable, Codable {
      case costModel = "cost model"
      case measured
    }
    public var placement: Place
    public var layers: [String]
    public var milliseconds: Double
    public var source: Source
  }

  /// Where a batch's time went, per frame (the mean over its frames).
  public struct TimeSplit: Sendable, Codable, Equatable {
    public var steps: [StepTime]
    /// The engine's calls (cost model at `clock_mhz`), the CPU steps and the host work (measured).
    public var acceleratorMilliseconds: Double
    public var cpuMilliseconds: Double
    public var hostMilliseconds: Double
    public var clockMHz: Double
    /// Frames/s with the steps one after another, and with the CPU and the
    /// engine working on different frames at once (the slower of the two).
    public var sequentialFPS: Double
    public var pipelinedFPS: Double

    enum CodingKeys: String, CodingKey {
      case steps
      case acceleratorMilliseconds = "accelerator_ms", cpuMilliseconds = "cpu_ms", hostMilliseconds = "host_ms", clockMHz = "clock_mhz"
      case sequentialFPS = "sequential_fps", pipelinedFPS = "pipelined_fps"
    }
  }

  /// Runs a batch (`[N, ...]` or one sample), one frame at a time; returns
  /// every graph output (samples stacked, in the graph's order) and the time split.
  public func run(_ batch: Tensor) throws -> (outputs: [Tensor], time: TimeSplit) {
    let graph = offloadRun.graph
    guard graph.inputs.count == 1, let name = graph.inputs.first, let type = graph.types[name] else {
      throw FinchOffloadError.run("a heterogeneous run needs a model with one typed input")
    }
    let frames = try Interpreter.split(batch, into: type, name: name)
    var session = try OffloadSession(offloadRun, driver: ModelDriver(engine: design.schedule.engine), estimate: design.estimate)
    var perOutput = [[Tensor]](repeating: [], count: graph.outputs.count)
    var cpu = [Double](repeating: 0, count: design.schedule.steps.filter { $0.kind == .cpu }.count), host = 0.0
    for frame in frames {
      let result = try session.run([name: frame])
      for (i, output) in graph.outputs.enumerated() {
        guard let y = result.outputs[output] else { throw FinchOffloadError.run("the run left no output \(output)") }
        perOutput[i].append(y)
      }
      for (i, s) in result.cpuSeconds.enumerated() { cpu[i] += s }
      host += result.hostSeconds
    }
    let n = Double(max(frames.count, 1))
    return (perOutput.map { Interpreter.stack($0) }, split(cpuSeconds: cpu.map { $0 / n }, hostSeconds: host / n))
  }

  /// The split of a frame whose CPU steps took `cpuSeconds` and host work `hostSeconds`.
  func split(cpuSeconds: [Double], hostSeconds: Double) -> TimeSplit {
    let estimate = design.estimate
    var steps: [StepTime] = [], cpuIndex = 0
    var accelerator = 0.0
    let callMilliseconds = estimate.calls.map { Double($0.cycles) / (estimate.clockMHz * 1000) }
    for step in design.schedule.steps {
      switch step.kind {
      case .engine:
        let ms = step.calls.reduce(0) { $0 + callMilliseconds[$1] }
        accelerator += ms
        steps.append(StepTime(placement: .accelerator, layers: step.layers, milliseconds: ms, source: .costModel))
      case .cpu:
        steps.append(StepTime(placement: .cpu, layers: step.layers, milliseconds: cpuSeconds[cpuIndex] * 1000, source: .measured))
        cpuIndex += 1
      }
    }
    let host = hostSeconds * 1000, cpu = cpuSeconds.reduce(0, +) * 1000
    steps.append(StepTime(placement: .host, layers: ["prologue", "epilogue"], milliseconds: host, source: .measured))
    let total = accelerator + cpu + host, slower = max(accelerator, cpu + host)
    return TimeSplit(
      steps: steps, acceleratorMilliseconds: accelerator, cpuMilliseconds: cpu, hostMilliseconds: host, clockMHz: estimate.clockMHz,
      sequentialFPS: total > 0 ? 1000 / total : 0, pipelinedFPS: slower > 0 ? 1000 / slower : 0)
  }
}
