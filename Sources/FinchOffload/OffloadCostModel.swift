import FinchCost

/// Cycles, frames/s and latency of a schedule on one engine (Docs/offload.md §7).
///
/// Per call, with `B` the bytes the memory port moves per cycle (the port's
/// word, or less when the board's bandwidth at the clock is lower):
/// - compute `PE groups · SIMD folds · output pixels` (the MVAU cycle model
///   with padded channels);
/// - load `⌈(weight words + threshold words) · word bytes / B⌉`, before compute
///   (the first engine has one weight buffer, no double buffering);
/// - activations `⌈(read words + write words) · word bytes / B⌉`, streamed
///   while computing;
/// - a call takes `overhead + load + max(compute, activations)`.
/// The engine runs one call at a time, so a frame takes the sum over calls;
/// CPU layers are not counted (they are listed in the schedule).
public struct OffloadEstimate: Sendable, Codable, Equatable {
  /// One call's cycles.
  public struct Call: Sendable, Codable, Equatable {
    public var index: Int
    public var mvau: String
    public var tile: Int
    public var computeCycles: Int
    public var loadCycles: Int
    public var activationCycles: Int
    public var cycles: Int

    enum CodingKeys: String, CodingKey {
      case index, mvau, tile, cycles
      case computeCycles = "compute_cycles", loadCycles = "load_cycles", activationCycles = "activation_cycles"
    }
  }

  /// Cycles of register writes, start and pipeline drain per call.
  public static let overheadCycles = 64

  public var clockMHz: Double
  /// Bytes the port moves per cycle.
  public var bytesPerCycle: Double
  public var calls: [Call]
  /// Cycles per frame: the sum over calls.
  public var cycles: Int
  public var computeCycles: Int
  public var loadCycles: Int
  /// Bytes moved per frame (weights, thresholds, activations).
  public var bytes: Int
  public var fps: Double
  public var latencyMs: Double

  enum CodingKeys: String, CodingKey {
    case calls, cycles, bytes, fps
    case clockMHz = "clock_mhz", bytesPerCycle = "bytes_per_cycle", computeCycles = "compute_cycles", loadCycles = "load_cycles"
    case latencyMs = "latency_ms"
  }

  /// Estimates `schedule` at `clockMHz` with `bandwidthGBps` of memory bandwidth;
  /// with `measured` (one activity per call, from ``EngineModel``), from what the
  /// calls did rather than from what the schedule says they will do.
  public init(_ schedule: Schedule, clockMHz: Double, bandwidthGBps: Double, measured: [EngineModel.Activity]? = nil) throws(FinchOffloadError) {
    do { try TargetLimits.checkClock(clockMHz) } catch { throw .invalidSchedule(error.description) }
    guard bandwidthGBps > 0, bandwidthGBps.isFinite else { throw .invalidSchedule("the memory bandwidth must be positive, not \(bandwidthGBps) GB/s") }
    let wordBytes = schedule.engine.memoryWordBytes
    let perCycle = min(Double(wordBytes), bandwidthGBps * 1e3 / clockMHz)
    func portCycles(_ words: Int) -> Int { Int((Double(words * wordBytes) / perCycle).rounded(.up)) }
    let activities = measured ?? schedule.calls.map(EngineModel.Activity.init(predicting:))
    guard activities.count == schedule.calls.count else {
      throw .invalidSchedule("\(activities.count) measured calls for a schedule of \(schedule.calls.count)")
    }
    calls = zip(schedule.calls, activities).map { c, a in
      let compute = a.computeCycles
      let load = portCycles(a.weightWords + a.thresholdWords)
      let activations = portCycles(a.readWords + a.writeWords)
      return Call(
        index: c.index, mvau: c.mvau, tile: c.tile, computeCycles: compute, loadCycles: load, activationCycles: activations,
        cycles: Self.overheadCycles + load + max(compute, activations))
    }
    (self.clockMHz, bytesPerCycle) = (clockMHz, perCycle)
    cycles = calls.reduce(0) { $0 + $1.cycles }
    computeCycles = calls.reduce(0) { $0 + $1.computeCycles }
    loadCycles = calls.reduce(0) { $0 + $1.loadCycles }
    bytes = activities.reduce(0) { $0 + ($1.weightWords + $1.thresholdWords + $1.readWords + $1.writeWords) * wordBytes }
    fps = cycles == 0 ? 0 : clockMHz * 1e6 / Double(cycles)
    latencyMs = Double(cycles) / (clockMHz * 1e3)
  }

  /// Estimates `schedule` on a board of the catalogue (its clock unless `clockMHz` is given, and its bandwidth).
  public init(_ schedule: Schedule, board: Board, clockMHz: Double? = nil) throws(FinchOffloadError) {
    try self.init(schedule, clockMHz: clockMHz ?? board.clockMHz, bandwidthGBps: board.bandwidthGBps)
  }
}
