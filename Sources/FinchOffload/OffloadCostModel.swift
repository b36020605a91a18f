import FinchCost

/// Cycles, frames/s and latency of a schedule on one engine (Docs/offload.md §7),
/// from the engine RTL's structure (checked against it in Verilator, §12).
///
/// Per call, with `B` the bytes the memory port moves per cycle (the port's
/// word, or less when the board's bandwidth at the clock is lower):
/// - setup and drain, ``overheadCycles``: the setup unit's divisions and
///   products before the call streams, the MAC pipeline, packer and last
///   write burst after its last step;
/// - load `⌈(weight words + threshold words) · word bytes / B⌉`, before
///   anything else (one weight buffer, no double buffering);
/// - stream: the row pipeline of ``streamCycles(_:pixelCycles:)``. Input
///   pixels enter the window buffer at `max(in_pixel_words · word bytes / B,
///   channel folds) + 1` cycles each (the unpacker gives one SIMD word per
///   cycle and starts a record the cycle after the last one ends); an output
///   row starts once its input rows are in and takes `out_w · PE groups ·
///   SIMD folds` cycles; a pool row starts once its convolution rows are done
///   and takes `pool_w · PE groups · pool_kh · pool_kw` cycles. At least
///   compute `PE groups · SIMD folds · output pixels`;
/// - activations `⌈(read words + write words) · word bytes / B⌉`: reads and
///   writes share the port;
/// - a call takes `overhead + load + max(stream, activations)`.
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
    /// The row pipeline from the first input word to the last MAC or pool step (at least `computeCycles`).
    public var streamCycles: Int
    public var cycles: Int

    enum CodingKeys: String, CodingKey {
      case index, mvau, tile, cycles
      case computeCycles = "compute_cycles", loadCycles = "load_cycles", activationCycles = "activation_cycles"
      case streamCycles = "stream_cycles"
    }
  }

  /// Cycles of a call's setup (start, four 24-bit divisions, 16 products, the
  /// window origin: 43) and drain (MAC pipeline, output stage, packer, the last
  /// write burst and its `wr_done`: 12).
  public static let overheadCycles = 55

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
    var calls: [Call] = []
    for (c, a) in zip(schedule.calls, activities) {
      let registers = try CallRegisters(Dictionary(uniqueKeysWithValues: c.registers.map { ($0.name, $0.value) }), schedule.engine)
      let load = portCycles(a.weightWords + a.thresholdWords)
      let activations = portCycles(a.readWords + a.writeWords)
      let pixelCycles = max(Double(registers.inPixelWords * wordBytes) / perCycle, Double(registers.inChannels / schedule.engine.simd)) + 1
      let stream = max(Self.streamCycles(registers, pixelCycles: pixelCycles), a.computeCycles)
      calls.append(
        Call(
          index: c.index, mvau: c.mvau, tile: c.tile, computeCycles: a.computeCycles, loadCycles: load, activationCycles: activations,
          streamCycles: stream, cycles: Self.overheadCycles + load + max(stream, activations)))
    }
    self.calls = calls
    (self.clockMHz, bytesPerCycle) = (clockMHz, perCycle)
    cycles = calls.reduce(0) { $0 + $1.cycles }
    computeCycles = calls.reduce(0) { $0 + $1.computeCycles }
    loadCycles = calls.reduce(0) { $0 + $1.loadCycles }
    bytes = activities.reduce(0) { $0 + ($1.weightWords + $1.thresholdWords + $1.readWords + $1.writeWords) * wordBytes }
    fps = cycles == 0 ? 0 : clockMHz * 1e6 / Double(cycles)
    latencyMs = Double(cycles) / (clockMHz * 1e3)
  }

  /// The cycles from a call's first input word to its last MAC or pool step,
  /// row by row: input row `i` is in the window buffer at `(i + 1) · in_w ·
  /// pixelCycles`; output row `r` starts when the previous one ends and the
  /// input rows its windows touch (to `r · stride + kernel − pad_top`) are in;
  /// pool row `p` when the previous pool row ends and its last convolution row
  /// (`p · pool_stride + pool_kernel − 1`) is done.
  static func streamCycles(_ r: CallRegisters, pixelCycles: Double) -> Int {
    let inputRow = Double(r.inW) * pixelCycles
    let outputRow = Double(r.outW * r.groups * r.simdFolds)
    var rowEnds: [Double] = []
    for row in 0..<r.outH {
      let rowsIn = min(max(row * r.sh + r.kh - r.pads[0], 0), r.inH)
      rowEnds.append(max(rowEnds.last ?? 0, Double(rowsIn) * inputRow) + outputRow)
    }
    var end = rowEnds.last ?? 0
    if r.pooled, !rowEnds.isEmpty {
      let poolRow = Double(r.poolW * r.groups * r.poolKH * r.poolKW)
      var poolEnd = 0.0
      for row in 0..<r.poolH { poolEnd = max(poolEnd, rowEnds[min(row * r.poolSH + r.poolKH - 1, rowEnds.count - 1)]) + poolRow }
      end = max(end, poolEnd)
    }
    return Int(end.rounded(.up))
  }

  /// Estimates `schedule` on a board of the catalogue (its clock unless `clockMHz` is given, and its bandwidth).
  public init(_ schedule: Schedule, board: Board, clockMHz: Double? = nil) throws(FinchOffloadError) {
    try self.init(schedule, clockMHz: clockMHz ?? board.clockMHz, bandwidthGBps: board.bandwidthGBps)
  }
}
