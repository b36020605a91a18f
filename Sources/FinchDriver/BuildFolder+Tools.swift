import FinchCost
import FinchIR
import FinchOffload
import FinchReport
import FinchRTL
import Foundation

extension BuildFolder {
  /// Simulates the dataflow design as `build` wrote it on `samples` (raw model
  /// inputs, one frame each) in `sim/`, checking every output against the interpreter.
  public func simulate(samples: Tensor, simulator: Simulation.Simulator, stall: Int) throws -> AcceleratorCheck.Report {
    try require(.dataflow, for: "simulate")
    let written = try writtenDesign()
    let graph = try graph()
    let layers = try HardwareLayer.layers(of: graph)
    let pipeline = try pipeline(of: layers)
    let estimated = zip(layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 0
    let latency = LatencyEstimate(pipeline)
    return try AcceleratorCheck(graph: graph, written: written, pipeline: pipeline).run(
      samples: samples, directory: path(Self.sim), simulator: simulator, stall: stall, estimatedCyclesPerFrame: estimated,
      estimatedFirstFrameLatencyCycles: latency.firstFrameCycles)
  }

  /// Simulates the offload build on `samples` (raw model inputs, one frame
  /// each): engine calls on the engine Verilog in `rtl/` as the build wrote it
  /// (Verilator, harness built in `sim/`) against `dram`, at the build's clock
  /// and `bandwidthGBps` of DRAM bandwidth (nil: the board's, as the build's
  /// estimate assumed), CPU layers in the interpreter; every output checked
  /// against the interpreter. `progress` hears each frame (and each call of long frames).
  public func simulateOffload(
    samples: Tensor, dram: VerilatorEngine.DRAM, bandwidthGBps: Double? = nil, progress: @escaping (String) -> Void = { _ in }
  ) throws -> OffloadCheck.Report {
    try require(.offload, for: "simulate")
    let written = try writtenEngineDesign()
    let schedule = try schedule()
    guard written.manifest.engine == schedule.engine else {
      throw RTLError.changedDesign(path: path(Self.rtl).appendingPathComponent("manifest.json").path, reason: "its engine is not the schedule's")
    }
    let built = try offloadEstimate()
    let run = try OffloadRun(graph: try graph(), schedule: schedule, image: try memoryImage())
    progress("simulating the offload engine in Verilator (DRAM latency \(dram.latency), stall \(dram.stall), seed \(dram.seed))")
    return try OffloadCheck(run: run, sources: try written.sourceTexts()).check(
      samples: samples, clockMHz: built.estimate.clockMHz, bandwidthGBps: bandwidthGBps ?? built.bandwidthGBps, dram: dram,
      cache: path(Self.sim), progress: progress)
  }

  /// Synthesizes the design as `build` wrote it for `device` (default: the
  /// one it was built for) in `synth/`, beside the cost model's estimate for
  /// that device, joined by name (a dataflow design element by element, an
  /// offload engine unit by unit, ``EngineResources``); writes `synth/report.json`
  /// and renews `report.html` with the synthesized figures.
  public func synthesize(on device: Device? = nil, progress: (String) -> Void = { _ in }) throws -> SynthesisReport {
    let work = path(Self.synth)
    let report: SynthesisReport
    switch try architecture() {
    case .dataflow:
      let built = try estimate()
      let device = try device ?? DeviceCatalogue.bundled().device(named: built.part)
      let graph = try graph()
      let layers = try HardwareLayer.layers(of: graph)
      let estimate = Estimate(
        device: device, clockMHz: built.clockMHz, pipeline: try pipeline(of: layers), targetFPS: nil)
      progress("synthesizing for \(device.part.name) (\(device.part.family.rawValue)); this takes a while")
      report = try DesignSynthesis.dataflow(try writtenDesign(), estimate: estimate, part: device.part, in: work)
    case .offload:
      let device = try device ?? DeviceCatalogue.bundled().device(named: try offloadEstimate().part)
      let written = try writtenEngineDesign()
      let engine = written.manifest.engine
      progress(
        "synthesizing the offload engine (PE \(engine.pe), SIMD \(engine.simd)) for \(device.part.name) (\(device.part.family.rawValue)); this takes a while")
      report = try DesignSynthesis.offload(written, part: device.part, in: work)
    }
    try JSONReport.encode(report).write(to: work.appendingPathComponent("report.json"))
    try FolderReport.write(in: url)
    return report
  }
}
