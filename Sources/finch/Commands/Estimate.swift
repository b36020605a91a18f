import ArgumentParser
import FinchCost
import FinchIR
import FinchONNX
import FinchPasses
import Foundation

/// `finch estimate`: fold a model for a target and predict cycles and resources.
struct Estimate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Choose PE/SIMD per layer for a target and estimate cycles, frames/s and resources on a board.",
    discussion: """
      MODEL is a QONNX file (compiled first, as by `finch compile`) or a `finch compile` folder. \
      --fps asks for the least resources reaching that many frames/s; --budget for the most frames/s \
      within that fraction of every resource of the part. A --folding file \
      ({"layers": [{"name": ..., "pe": ..., "simd": ...}]}) pins layers; the solver completes the rest \
      (with neither --fps nor --budget, it balances them to the slowest pinned layer).
      """)

  @Argument(help: "A .onnx model or a `finch compile` output folder.")
  var model: String

  @Option(help: "Board or part (see `finch devices`).")
  var board: String

  @Option(help: "Target frames per second.")
  var fps: Double?

  @Option(help: "Fraction of the part's resources to use (0 < F <= 1).")
  var budget: Double?

  @Option(help: "Clock in MHz (default: the board's).")
  var clock: Double?

  @Option(help: "Folding file pinning PE/SIMD of some layers.")
  var folding: String?

  @Option(help: "Write the chosen folding to this file.")
  var writeFolding: String?

  @Option(help: "Declare the graph input's datatype (e.g. UINT8) for unannotated models.")
  var inputType: String?

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  func validate() throws {
    if fps != nil && budget != nil { throw ValidationError("give --fps or --budget, not both") }
    if fps == nil && budget == nil && folding == nil { throw ValidationError("give --fps N, --budget F or --folding FILE") }
    if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number") }
    if let budget, !(budget > 0 && budget <= 1) { throw ValidationError("--budget must be in (0, 1]") }
    if let clock, !(clock > 0 && clock.isFinite) { throw ValidationError("--clock must be a positive number of MHz") }
  }

  func run() throws {
    try Finch.reportingErrors {
      let device = try DeviceCatalogue.bundled().device(named: board)
      let clockMHz = clock ?? device.clockMHz
      let graph = try CompiledModel.load(model, inputType: inputType)
      let layers = HardwareLayer.layers(of: graph)
      guard !layers.isEmpty else { throw FinchCostError.noHardwareLayers }
      let (solver, foldings) = try Self.fold(layers, device: device, clockMHz: clockMHz, fps: fps, budget: budget, folding: folding)
      let estimate = FinchCost.Estimate(
        board: device.name, part: device.part.name, clockMHz: clockMHz, capacity: device.capacity, layers: layers, foldings: foldings,
        targetFPS: fps)
      if let writeFolding { try JSONOutput.write(FoldingConfig(layers, foldings), to: URL(fileURLWithPath: writeFolding)) }
      if json {
        try JSONOutput.print(estimate)
      } else {
        print(Self.table(estimate, fastestFPS: clockMHz * 1e6 / Double(max(solver.fastestCycles, 1)), requested: fps))
      }
    }
  }

  /// The solver for `layers` on `device` and its foldings for a frames/s target,
  /// a budget, or (with neither) the slowest layer a folding file pins.
  static func fold(
    _ layers: [HardwareLayer], device: Device, clockMHz: Double, fps: Double?, budget: Double?, folding: String?
  ) throws -> (FoldingSolver, [LayerFolding]) {
    let pinned = try folding.map { path throws in try CompiledModel.readFolding(path).pinned(in: layers) } ?? [:]
    let solver = FoldingSolver(layers: layers, capacity: device.capacity, pinned: pinned)
    if let budget {
      guard let f = solver.solve(budget: budget) else {
        let smallest = solver.foldings(targetCycles: Int.max)
        let need = zip(layers, smallest).map { ResourceModel.resources($0, $1) }.reduce(Resources(), +)
        throw FinchCostError.invalidTarget(
          "even the smallest folding needs \(need.lut) LUT, \(need.ff) FF, \(need.dsp) DSP, \(need.bram18) BRAM18: "
            + "more than \(Int(budget * 100))% of \(device.part.name)")
      }
      return (solver, f)
    }
    if let fps { return (solver, solver.solve(targetCycles: Int(clockMHz * 1e6 / fps))) }
    let target = pinned.keys.map { CycleModel.cycles(layers[$0], solver.options($0).first?.folding ?? LayerFolding()) }.max() ?? 0
    return (solver, solver.solve(targetCycles: target))
  }

  /// The per-layer table, totals against the part, and the verdict.
  static func table(_ e: FinchCost.Estimate, fastestFPS: Double, requested: Double?) -> String {
    func cell(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    let nameWidth = max(5, e.layers.map(\.name.count).max() ?? 0)
    var lines = ["layer".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  op                 PE  SIMD    cycles     LUT      FF   DSP  BRAM18  URAM"]
    for l in e.layers {
      lines.append(
        l.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + l.op.padding(toLength: 16, withPad: " ", startingAt: 0)
          + cell("\(l.pe)", 5) + cell("\(l.simd)", 6) + cell("\(l.cycles)", 10) + cell("\(l.lut)", 8) + cell("\(l.ff)", 8)
          + cell("\(l.dsp)", 6) + cell("\(l.bram18)", 8) + cell("\(l.uram)", 6))
    }
    func share(_ used: Int, _ total: Int) -> String {
      total == 0 ? "\(used)/0" : "\(used)/\(total) (\(String(format: "%.1f", 100 * Double(used) / Double(total)))%)"
    }
    let t = e.totals, c = e.capacity
    lines.append("total on \(e.board) (\(e.part)): LUT \(share(t.lut, c.lut)), FF \(share(t.ff, c.ff)), DSP \(share(t.dsp, c.dsp)), "
      + "BRAM18 \(share(t.bram18, c.bram18)), URAM \(share(t.uram, c.uram))")
    lines.append(String(format: "%.1f frames/s at %.0f MHz; latency %d cycles (%.1f us); bottleneck %@", e.fps, e.clockMHz, e.latencyCycles,
                        Double(e.latencyCycles) / e.clockMHz, e.bottleneck))
    if let requested {
      lines.append(e.targetMet ? String(format: "target %.1f frames/s: met", requested)
        : String(format: "target %.1f frames/s: NOT met (the fastest folding reaches %.1f frames/s%@)", requested, fastestFPS,
                 e.totals.lut > c.lut || e.totals.bram18 > c.bram18 || e.totals.dsp > c.dsp ? "; the design does not fit the part" : ""))
    }
    return lines.joined(separator: "\n")
  }
}
