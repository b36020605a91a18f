import ArgumentParser
import FinchCost
import FinchIR

/// The target options `finch estimate` and `finch build` share.
struct FoldingOptions: ParsableArguments {
  @Option(help: "Board or part (see `finch devices`).")
  var board: String

  @Option(help: "Target frames per second (0.001...1e15).")
  var fps: Double?

  @Option(help: "Fraction of the part's resources to use (0 < F <= 1).")
  var budget: Double?

  @Option(help: "Clock in MHz, 1...2000 (default: the board's).")
  var clock: Double?

  @Option(help: "Folding file pinning PE/SIMD of some layers.")
  var folding: String?

  @Option(help: "Declare the graph input's datatype (e.g. UINT8) for unannotated models.")
  var inputType: String?

  func validate() throws {
    if fps != nil && budget != nil { throw ValidationError("give --fps or --budget, not both") }
    if fps == nil && budget == nil && folding == nil { throw ValidationError("give --fps N, --budget F or --folding FILE") }
    let (fpsRange, clockRange) = (TargetLimits.fps, TargetLimits.clockMHz)
    if let fps, !fpsRange.contains(fps) { throw ValidationError("--fps must be in \(fpsRange.lowerBound)...\(fpsRange.upperBound), not \(fps)") }
    if let budget, !(budget > 0 && budget <= 1) { throw ValidationError("--budget must be in (0, 1], not \(budget)") }
    if let clock, !clockRange.contains(clock) {
      throw ValidationError("--clock must be in \(clockRange.lowerBound)...\(clockRange.upperBound) MHz, not \(clock)")
    }
    if let t = inputType, DataType(finnName: t) == nil { throw ValidationError("'\(t)' is not a FINN datatype (e.g. UINT8, INT4, BIPOLAR)") }
  }

  /// The device, its clock, and the foldings of `layers` for these options.
  func fold(_ layers: [HardwareLayer]) throws -> (device: Device, clockMHz: Double, solver: FoldingSolver, foldings: [LayerFolding]) {
    let device = try DeviceCatalogue.bundled().device(named: board)
    let clockMHz = clock ?? device.clockMHz
    let pinned = try folding.map { path throws in try CompiledModel.readFolding(path).pinned(in: layers) } ?? [:]
    let solver = FoldingSolver(layers: layers, capacity: device.capacity, family: device.part.family, pinned: pinned)
    if let budget {
      guard let f = solver.solve(budget: budget) else {
        let smallest = solver.foldings(targetCycles: Int.max)
        let need = solver.total(smallest)
        let memory = device.part.family == .ice40 ? "\(need.ebr) EBR" : "\(need.bram18) BRAM18"
        throw FinchCostError.invalidTarget(
          "even the smallest folding needs \(need.lut) LUT, \(need.ff) FF, \(need.dsp) DSP, \(memory): "
            + "more than \(Int(budget * 100))% of \(device.part.name)")
      }
      return (device, clockMHz, solver, f)
    }
    if let fps { return (device, clockMHz, solver, solver.solve(targetCycles: try TargetLimits.cyclesPerFrame(clockMHz: clockMHz, fps: fps))) }
    let target = pinned.keys.map { CycleModel.cycles(layers[$0], solver.options($0).first?.folding ?? LayerFolding()) }.max() ?? 0
    return (device, clockMHz, solver, solver.solve(targetCycles: target))
  }

  /// The estimate of `layers` folded as `foldings`.
  func estimate(
    _ layers: [HardwareLayer], _ f: (device: Device, clockMHz: Double, solver: FoldingSolver, foldings: [LayerFolding])
  ) throws -> FinchCost.Estimate {
    FinchCost.Estimate(
      board: f.device.name, part: f.device.part.name, family: f.device.part.family, clockMHz: f.clockMHz, capacity: f.device.capacity,
      pipeline: try DataflowPipeline(layers: layers, folding: NetworkFolding(layers, f.foldings)), targetFPS: fps)
  }
}
