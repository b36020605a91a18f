/// What a folding is chosen for.
public enum FoldingTarget: Sendable, Equatable {
  /// The least resources reaching this many frames per second.
  case framesPerSecond(Double)
  /// The most frames per second within this fraction (0 < F ≤ 1) of every resource of the part.
  case budget(Double)
  /// Only the pinned layers decide: every other layer is balanced to the slowest pinned one.
  case pinned
}

/// The folding policy: a network's layers folded for a target on a device,
/// with pinned layers kept as given, and the estimate of the result.
public struct FoldingChoice: Sendable {
  public let device: Device
  public let clockMHz: Double
  /// The chosen folding of every layer.
  public let folding: NetworkFolding
  /// Layers and glue at that folding.
  public let pipeline: DataflowPipeline
  /// Cycles and resources of ``pipeline`` on ``device``.
  public let estimate: Estimate
  /// The frames per second of the fastest folding the layers allow (whether or not it fits).
  public let fastestFPS: Double

  /// Folds `layers` for `target` on the catalogue's board or part `board`,
  /// pinning what the folding file at `foldingFile` (Finch's or FINN's form)
  /// gives; `warning` hears the file's keys Finch does not use.
  public init(
    layers: [HardwareLayer], board: String, clockMHz: Double? = nil, target: FoldingTarget, foldingFile: String? = nil,
    fifoSizing: DataflowPipeline.FIFOSizingMethod = .minimal, warning: (String) -> Void = { _ in }
  ) throws(FinchCostError) {
    let device = try DeviceCatalogue.bundled().device(named: board)
    let pinned = try foldingFile.map { (path: String) throws(FinchCostError) in try FoldingConfig.load(path: path, warning: warning) }
    try self.init(layers: layers, device: device, clockMHz: clockMHz, target: target, pinned: pinned, fifoSizing: fifoSizing)
  }

  /// Folds `layers` for `target` on `device` at `clockMHz` (default: the
  /// device's clock), keeping the layers `pinned` names as given; FIFOs
  /// sized as `fifoSizing` says (``DataflowPipeline/init(layers:folding:fifoDepth:sizing:)``).
  public init(
    layers: [HardwareLayer], device: Device, clockMHz: Double? = nil, target: FoldingTarget, pinned: FoldingConfig? = nil,
    fifoSizing: DataflowPipeline.FIFOSizingMethod = .minimal
  ) throws(FinchCostError) {
    guard !layers.isEmpty else { throw .noHardwareLayers }
    let clock = clockMHz ?? device.clockMHz
    try TargetLimits.checkClock(clock)
    let pins = try pinned?.pinned(in: layers) ?? [:]
    let solver = FoldingSolver(layers: layers, capacity: device.capacity, family: device.part.family, pinned: pins)
    let foldings: [LayerFolding]
    var targetFPS: Double?
    switch target {
    case .budget(let fraction):
      guard fraction > 0, fraction <= 1 else { throw .invalidTarget("a budget must be in (0, 1], not \(fraction)") }
      guard let f = solver.solve(budget: fraction) else {
        let need = solver.total(solver.foldings(targetCycles: Int.max))
        let memory = device.part.family == .ice40 ? "\(need.ebr) EBR" : "\(need.bram18) BRAM18"
        throw .invalidTarget(
          "even the smallest folding needs \(need.lut) LUT, \(need.ff) FF, \(need.dsp) DSP, \(memory): "
            + "more than \(Int(fraction * 100))% of \(device.part.name)")
      }
      foldings = f
    case .framesPerSecond(let fps):
      foldings = solver.solve(targetCycles: try TargetLimits.cyclesPerFrame(clockMHz: clock, fps: fps))
      targetFPS = fps
    case .pinned:
      let slowest = pins.keys.map { CycleModel.cycles(layers[$0], solver.options($0).first?.folding ?? LayerFolding()) }.max() ?? 0
      foldings = solver.solve(targetCycles: slowest)
    }
    self.device = device
    self.clockMHz = clock
    folding = try NetworkFolding(layers, foldings)
    pipeline = try DataflowPipeline(layers: layers, folding: folding, sizing: fifoSizing)
    estimate = Estimate(device: device, clockMHz: clock, pipeline: pipeline, targetFPS: targetFPS)
    fastestFPS = clock * 1e6 / Double(max(solver.fastestCycles, 1))
  }
}
