import FinchIR
import FinchInterpreter
import FinchOffload
import Foundation

/// Runs raw model inputs through an offload schedule end to end, with every
/// engine call on the engine Verilog in Verilator (``VerilatorEngine``, a
/// DRAM model on its memory port) and the host and CPU layers in the
/// interpreter (``OffloadSession``), and compares every model output bit for
/// bit with the interpreter's on the whole graph. Each call's simulated cycles
/// are set beside the cost model's (``OffloadEstimate`` at the simulated
/// DRAM's bandwidth), which also gives each call's cycle limit.
public struct OffloadCheck {
  /// What one check found: what `finch simulate --json` prints for an offload build.
  public struct Report: Codable, Sendable {
    /// One engine call: simulated cycles (mean over the frames) against the cost model.
    public struct Call: Codable, Sendable {
      public var index: Int
      public var layer: String
      public var tile: Int
      public var cycles: Double
      public var estimatedCycles: Int
      /// (simulated − estimated) / estimated, in %.
      public var errorPct: Double

      enum CodingKeys: String, CodingKey {
        case index, layer, tile, cycles
        case estimatedCycles = "estimated_cycles", errorPct = "error_pct"
      }
    }
    /// The DRAM model the engine ran against.
    public struct DRAM: Codable, Sendable {
      public var latency: Int
      public var bandwidthGBps: Double
      public var bytesPerCycle: Double
      public var stall: Double
      public var seed: UInt64

      enum CodingKeys: String, CodingKey {
        case latency, stall, seed
        case bandwidthGBps = "bandwidth_gbps", bytesPerCycle = "bytes_per_cycle"
      }
    }
    public var architecture = "offload"
    public var frames: Int
    public var mismatches: Int
    /// The first mismatching frame, if any.
    public var firstMismatch: Int?
    public var simulator = "verilator"
    public var clockMHz: Double
    public var dram: DRAM
    /// Engine cycles per frame (mean over the frames; CPU layers and host work are not timed).
    public var cyclesPerFrame: Double
    public var estimatedCyclesPerFrame: Int
    /// Frames/s of the engine at the clock, from the simulated and the estimated cycles.
    public var fps: Double
    public var estimatedFPS: Double
    public var calls: [Call]
    /// Hardware layers run on the CPU (in the interpreter).
    public var cpuLayers: [String]
    public var simCyclesPerSecond: Double
    public var buildSeconds: Double

    enum CodingKeys: String, CodingKey {
      case architecture, frames, mismatches, simulator, dram, fps, calls
      case firstMismatch = "first_mismatch", clockMHz = "clock_mhz", cyclesPerFrame = "cycles_per_frame"
      case estimatedCyclesPerFrame = "estimated_cycles_per_frame", estimatedFPS = "estimated_fps", cpuLayers = "cpu_layers"
      case simCyclesPerSecond = "sim_cycles_per_second", buildSeconds = "build_seconds"
    }
  }

  public let run: OffloadRun
  /// The engine's Verilog text by file name (a build's `rtl/`).
  public let sources: [String: String]

  /// Checks `run` on the engine built from `sources`.
  public init(run: OffloadRun, sources: [String: String]) {
    (self.run, self.sources) = (run, sources)
  }

  /// Simulates `samples` (raw model inputs, one frame per sample) at
  /// `clockMHz` on a DRAM of `bandwidthGBps` (`dram.bytesPerCycle` is set from
  /// it), the harness built in (or found in) `cache`. `progress` hears each
  /// frame, and each call when a frame is estimated at more than a million cycles.
  public func check(
    samples: Tensor, clockMHz: Double, bandwidthGBps: Double, dram: VerilatorEngine.DRAM, cache: URL, progress: @escaping (String) -> Void = { _ in }
  ) throws -> Report {
    let graph = run.graph, schedule = run.schedule
    guard graph.inputs.count == 1, let inputName = graph.inputs.first, let inputType = graph.types[inputName] else {
      throw RTLError.unsupported(layer: graph.name, reason: "the graph needs exactly one typed input")
    }
    let estimate = try OffloadEstimate(schedule, clockMHz: clockMHz, bandwidthGBps: bandwidthGBps)
    var dram = dram
    dram.bytesPerCycle = bandwidthGBps * 1000 / clockMHz
    let device = try VerilatorEngine(engine: schedule.engine, sources: sources, dram: dram, cache: cache)
    let perCall = estimate.cycles > 1_000_000 && schedule.calls.count > 1
    var session = try OffloadSession(run, driver: Reporting(device: device, calls: schedule.calls, progress: perCall ? progress : nil), estimate: estimate)
    let interpreter = Interpreter(graph: graph)
    let frames = try Interpreter.split(samples, into: inputType, name: inputName)
    var totals = [Int](repeating: 0, count: schedule.calls.count)
    var mismatches = 0, firstMismatch: Int?
    let start = Date()
    for (f, sample) in frames.enumerated() {
      let result = try session.run([inputName: sample])
      let expected = try interpreter.run([inputName: sample])
      if !graph.outputs.allSatisfy({ Self.identical(result.outputs[$0], expected[$0]) }) {
        mismatches += 1
        firstMismatch = firstMismatch ?? f
      }
      for (i, c) in result.cycles.enumerated() { totals[i] += c ?? 0 }
      let cycles = result.cycles.reduce(0) { $0 + ($1 ?? 0) }
      progress(
        "frame \(f + 1)/\(frames.count): \(cycles) engine cycles (cost model \(estimate.cycles)), \(mismatches == 0 ? "bit-exact" : "\(mismatches) mismatching") so far")
    }
    let seconds = Date().timeIntervalSince(start)
    let n = Double(max(frames.count, 1))
    let calls = estimate.calls.map { e in
      let simulated = Double(totals[e.index]) / n
      return Report.Call(
        index: e.index, layer: e.mvau, tile: e.tile, cycles: simulated, estimatedCycles: e.cycles,
        errorPct: 100 * (simulated - Double(e.cycles)) / Double(max(e.cycles, 1)))
    }
    let perFrame = Double(totals.reduce(0, +)) / n
    return Report(
      frames: frames.count, mismatches: mismatches, firstMismatch: firstMismatch, clockMHz: clockMHz,
      dram: Report.DRAM(latency: dram.latency, bandwidthGBps: bandwidthGBps, bytesPerCycle: dram.bytesPerCycle ?? 0, stall: dram.stall, seed: dram.seed),
      cyclesPerFrame: perFrame, estimatedCyclesPerFrame: estimate.cycles, fps: perFrame > 0 ? clockMHz * 1e6 / perFrame : 0,
      estimatedFPS: estimate.fps, calls: calls, cpuLayers: schedule.cpuLayers.map(\.name),
      simCyclesPerSecond: Double(totals.reduce(0, +)) / max(seconds, 1e-9), buildSeconds: device.build.buildSeconds)
  }

  /// Whether two outputs are the same bits (floats by bit pattern, so −0 and NaN count).
  static func identical(_ a: Tensor?, _ b: Tensor?) -> Bool {
    guard let a, let b, a.shape == b.shape else { return false }
    if case .int64(let x) = a.storage, case .int64(let y) = b.storage { return x == y }
    return a.floats.map(\.bitPattern) == b.floats.map(\.bitPattern)
  }

  /// The Verilator driver, telling `progress` (when given) each call's cycles as it finishes.
  private struct Reporting: OffloadDriver {
    let device: VerilatorEngine
    let calls: [EngineCall]
    let progress: ((String) -> Void)?
    var engine: EngineConfiguration { device.engine }

    func allocate(bytes: Int) throws(FinchOffloadError) -> Int { try device.allocate(bytes: bytes) }
    func write(_ bytes: [UInt8], at address: Int) throws(FinchOffloadError) { try device.write(bytes, at: address) }
    func read(_ count: Int, at address: Int) throws(FinchOffloadError) -> [UInt8] { try device.read(count, at: address) }
    func write(_ register: EngineRegister, _ value: UInt32) throws(FinchOffloadError) { try device.write(register, value) }
    func start() throws(FinchOffloadError) { try device.start() }
    func wait(cycleLimit: Int) throws(FinchOffloadError) -> Int? {
      let cycles = try device.wait(cycleLimit: cycleLimit)
      if let progress {
        let i = (device.calls.count - 1) % max(calls.count, 1)
        progress("  call \(i + 1)/\(calls.count) (\(calls[i].mvau)): \(cycles ?? 0) cycles")
      }
      return cycles
    }
  }
}
