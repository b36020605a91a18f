import FinchCost
import FinchIR

/// One network on an offload engine on a board: the engine (sized by
/// ``EngineSizeSolver`` or given), the network's ``Schedule`` on it, the
/// engine's resources against the part and the ``OffloadEstimate`` at the
/// board's clock and memory bandwidth. What `finch estimate --arch offload`
/// reports and an offload build writes (Docs/offload.md §7, §8).
public struct OffloadDesign: Sendable {
  public var board: Board
  public var part: Part
  public var engine: EngineConfiguration
  /// Where the engine comes from, in words ("sized by EngineSizeSolver ...", or a file).
  public var engineSource: String
  /// The compiled graph's schedule (host prologue and epilogue included).
  public var schedule: Schedule
  public var estimate: OffloadEstimate
  /// The engine's resources, unit by unit (``EngineResources/estimate(_:on:)``).
  public var units: [Report.Unit]
  /// The frames/s asked for, if any.
  public var targetFPS: Double?

  /// Schedules the compiled `graph` on `engine`, or on the engine
  /// ``EngineSizeSolver`` picks for `board` within `budget` of its part when
  /// `engine` is nil, at `clockMHz` (default: the board's), with layers
  /// placed as `placement` says (``ScheduleCompiler/placement``).
  public init(
    graph: Graph, board: Board, part: Part, clockMHz: Double? = nil, budget: Double = 0.8, targetFPS: Double? = nil,
    engine given: EngineConfiguration? = nil, engineSource: String? = nil, placement: [String: Placement] = [:]
  ) throws(FinchOffloadError) {
    let clock = clockMHz ?? board.clockMHz
    let engine: EngineConfiguration
    if let given {
      engine = given
      self.engineSource = engineSource ?? "given"
    } else {
      let layers: [HardwareLayer]
      do { layers = try HardwareLayer.layers(of: graph) } catch { throw .layerFacts(error) }
      engine = try Self.solve(layers: layers, board: board, part: part, clockMHz: clock, budget: budget, placement: placement)
      self.engineSource = engineSource ?? "sized by EngineSizeSolver for \(Int((budget * 100).rounded()))% of \(part.name)"
    }
    (self.board, self.part, self.engine, self.targetFPS) = (board, part, engine, targetFPS)
    schedule = try ScheduleCompiler(engine: engine, placement: placement).schedule(graph)
    estimate = try OffloadEstimate(schedule, clockMHz: clock, bandwidthGBps: board.bandwidthGBps)
    units = EngineResources.estimate(engine, on: part.family).map { Report.Unit(name: $0.name, resources: $0.resources) }
  }

  /// The engine ``EngineSizeSolver`` picks with lanes wide enough for every
  /// layer; when none of those fits `budget`, the one with activation lanes
  /// only as wide as the thresholded outputs, which leaves wider inputs (an
  /// 8-bit first layer) to the CPU and needs far smaller threshold buffers;
  /// when none of those fits either, also weight lanes only as wide as those
  /// thresholded layers' weights, which leaves a wider-weight layer whose
  /// output is not quantized (an 8-bit last layer) to the CPU too.
  static func solve(
    layers: [HardwareLayer], board: Board, part: Part, clockMHz: Double, budget: Double, placement: [String: Placement]
  ) throws(FinchOffloadError) -> EngineConfiguration {
    func solve(_ activation: Int?, _ weight: Int?) throws(FinchOffloadError) -> EngineConfiguration {
      var solver = EngineSizeSolver(
        layers: layers, part: part, clockMHz: clockMHz, bandwidthGBps: board.bandwidthGBps, budget: budget, activationBits: activation,
        weightBits: weight)
      solver.placement = placement
      return try solver.solve().engine
    }
    let thresholded = layers.filter { $0.kind == .mvau && $0.thresholds > 0 }
    do {
      return try solve(nil, nil)
    } catch .noEngineFits(let reason) {
      guard let narrow = thresholded.map(\.outputBits).max(), (1...8).contains(narrow) else { throw .noEngineFits(reason) }
      do {
        return try solve(narrow, nil)
      } catch .noEngineFits(let reason) {
        let weights = thresholded.filter { $0.inputBits <= narrow }.map(\.weightLaneBits).max()
        guard let weights else { throw .noEngineFits(reason) }
        return try solve(narrow, weights)
      }
    }
  }

  /// The engine's total resources.
  public var totals: Resources { units.reduce(Resources()) { $0 + $1.resources } }
  /// The part's resources.
  public var capacity: Resources { part.capacity }
  /// Whether the engine fits the part.
  public var fits: Bool { totals.fits(capacity) }
  /// Whether the engine fits, runs at least one call and reaches ``targetFPS`` (when one is asked for).
  public var targetMet: Bool {
    fits && !schedule.calls.isEmpty && (targetFPS.map { estimate.fps >= $0 * (1 - 1e-9) } ?? true)
  }

  /// The engine's power at the estimate's clock (Docs/power.md), its memory traffic at the estimated frames/s included.
  public var power: PowerEstimate {
    PowerEstimate(resources: totals, part: part, clockMHz: estimate.clockMHz, offChipBytesPerSecond: Double(estimate.bytes) * estimate.fps)
  }

  /// The design as `offload_estimate.json` holds it.
  public var report: Report {
    Report(
      board: board.name, part: part.name, family: part.family, bandwidthGBps: board.bandwidthGBps, engine: engine, engineSource: engineSource,
      units: units, totals: totals, capacity: capacity, fits: fits, targetFPS: targetFPS, targetMet: targetMet,
      engineLayers: schedule.steps.filter { $0.kind == .engine }.flatMap(\.layers), cpuLayers: schedule.cpuLayers, estimate: estimate, power: power)
  }

  /// An offload design as JSON holds it (`offload_estimate.json`, and
  /// `offload` in `finch estimate --arch offload --json`): the board, the
  /// engine and its resources against the part, the layers on the engine and
  /// on the CPU with their reasons, and ``OffloadEstimate``'s keys (`cycles`,
  /// `fps`, `latency_ms`, `calls`, ...) beside them in the same object.
  public struct Report: Sendable, Codable, Equatable {
    /// One unit of the engine (compute, window buffer, weight buffer, ...) and its resources.
    public struct Unit: Sendable, Codable, Equatable {
      public var name: String
      public var resources: Resources
    }

    public var board: String
    public var part: String
    public var family: DeviceFamily
    public var bandwidthGBps: Double
    public var engine: EngineConfiguration
    public var engineSource: String
    public var units: [Unit]
    public var totals: Resources
    public var capacity: Resources
    public var fits: Bool
    public var targetFPS: Double?
    public var targetMet: Bool
    /// The hardware layers the engine runs, in stream order.
    public var engineLayers: [String]
    public var cpuLayers: [CPULayer]
    public var estimate: OffloadEstimate
    /// The engine's power (absent in reports written before power was estimated).
    public var power: PowerEstimate?
    /// Frames/s per watt, with ``power``.
    public var fpsPerWatt: Double? { power.map { $0.fpsPerWatt(estimate.fps) } }

    enum CodingKeys: String, CodingKey {
      case board, part, family, engine, units, totals, capacity, fits, power
      case bandwidthGBps = "bandwidth_gbps", engineSource = "engine_source", targetFPS = "target_fps", targetMet = "target_met"
      case engineLayers = "engine_layers", cpuLayers = "cpu_layers", fpsPerWatt = "fps_per_watt"
    }

    init(
      board: String, part: String, family: DeviceFamily, bandwidthGBps: Double, engine: EngineConfiguration, engineSource: String, units: [Unit],
      totals: Resources, capacity: Resources, fits: Bool, targetFPS: Double?, targetMet: Bool, engineLayers: [String], cpuLayers: [CPULayer],
      estimate: OffloadEstimate, power: PowerEstimate?
    ) {
      (self.board, self.part, self.family, self.bandwidthGBps) = (board, part, family, bandwidthGBps)
      (self.engine, self.engineSource) = (engine, engineSource)
      (self.units, self.totals, self.capacity, self.fits, self.targetFPS, self.targetMet) = (units, totals, capacity, fits, targetFPS, targetMet)
      (self.engineLayers, self.cpuLayers, self.estimate, self.power) = (engineLayers, cpuLayers, estimate, power)
    }

    public init(from decoder: any Decoder) throws {
      estimate = try OffloadEstimate(from: decoder)
      let c = try decoder.container(keyedBy: CodingKeys.self)
      board = try c.decode(String.self, forKey: .board)
      part = try c.decode(String.self, forKey: .part)
      family = try c.decode(DeviceFamily.self, forKey: .family)
      bandwidthGBps = try c.decode(Double.self, forKey: .bandwidthGBps)
      engine = try c.decode(EngineConfiguration.self, forKey: .engine)
      engineSource = try c.decode(String.self, forKey: .engineSource)
      units = try c.decode([Unit].self, forKey: .units)
      totals = try c.decode(Resources.self, forKey: .totals)
      capacity = try c.decode(Resources.self, forKey: .capacity)
      fits = try c.decode(Bool.self, forKey: .fits)
      targetFPS = try c.decodeIfPresent(Double.self, forKey: .targetFPS)
      targetMet = try c.decode(Bool.self, forKey: .targetMet)
      engineLayers = try c.decode([String].self, forKey: .engineLayers)
      cpuLayers = try c.decode([CPULayer].self, forKey: .cpuLayers)
      power = try c.decodeIfPresent(PowerEstimate.self, forKey: .power)
    }

    /// The estimate's keys and this report's, in one object.
    public func encode(to encoder: any Encoder) throws {
      try estimate.encode(to: encoder)
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(board, forKey: .board)
      try c.encode(part, forKey: .part)
      try c.encode(family, forKey: .family)
      try c.encode(bandwidthGBps, forKey: .bandwidthGBps)
      try c.encode(engine, forKey: .engine)
      try c.encode(engineSource, forKey: .engineSource)
      try c.encode(units, forKey: .units)
      try c.encode(totals, forKey: .totals)
      try c.encode(capacity, forKey: .capacity)
      try c.encode(fits, forKey: .fits)
      try c.encodeIfPresent(targetFPS, forKey: .targetFPS)
      try c.encode(targetMet, forKey: .targetMet)
      try c.encode(engineLayers, forKey: .engineLayers)
      try c.encode(cpuLayers, forKey: .cpuLayers)
      try c.encodeIfPresent(power, forKey: .power)
      try c.encodeIfPresent(fpsPerWatt, forKey: .fpsPerWatt)
    }
  }
}
