import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR

/// The target options `finch estimate` and `finch build` share.
struct FoldingOptions: ParsableArguments {
  @Option(help: "Board or part (see `finch devices`).")
  var board: String?

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

  /// Whether no target option is given.
  var isEmpty: Bool { board == nil && fps == nil && budget == nil && clock == nil && folding == nil && inputType == nil }

  /// Checks that a board and a target are given (`validate` checks only the values).
  func requireTarget() throws {
    if board == nil { throw ValidationError("give --board B (see `finch devices`)") }
    if fps == nil && budget == nil && folding == nil { throw ValidationError("give --fps N, --budget F or --folding FILE") }
  }

  func validate() throws {
    if fps != nil && budget != nil { throw ValidationError("give --fps or --budget, not both") }
    let (fpsRange, clockRange) = (TargetLimits.fps, TargetLimits.clockMHz)
    if let fps, !fpsRange.contains(fps) { throw ValidationError("--fps must be in \(fpsRange.lowerBound)...\(fpsRange.upperBound), not \(fps)") }
    if let budget, !(budget > 0 && budget <= 1) { throw ValidationError("--budget must be in (0, 1], not \(budget)") }
    if let clock, !clockRange.contains(clock) {
      throw ValidationError("--clock must be in \(clockRange.lowerBound)...\(clockRange.upperBound) MHz, not \(clock)")
    }
    if let t = inputType, DataType(finnName: t) == nil { throw ValidationError("'\(t)' is not a FINN datatype (e.g. UINT8, INT4, BIPOLAR)") }
  }

  /// The graph input's datatype `--input-type` declares.
  var declaredInputType: DataType? { inputType.flatMap(DataType.init(finnName:)) }

  /// What the folding is chosen for.
  var foldingTarget: FoldingTarget { fps.map { .framesPerSecond($0) } ?? budget.map { .budget($0) } ?? .pinned }

  /// A build of `model` into `output` for these options and `architecture`.
  func request(model: String, output: String, architecture: ArchitectureOptions) -> BuildRequest {
    BuildRequest(
      model: model, output: output, board: board ?? "", clockMHz: clock, target: foldingTarget, foldingFile: folding,
      inputType: declaredInputType, arch: architecture.arch, engineFile: architecture.engine)
  }
}
