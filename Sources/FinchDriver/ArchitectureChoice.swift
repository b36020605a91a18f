import FinchCost
import FinchIR
import FinchOffload
import FinchReport

/// Which accelerator a network gets on a device, and why: the policy behind
/// `--arch` of `finch estimate` and `finch build`.
///
/// `dataflow` and `offload` give that architecture (an error when it has no
/// design). `auto` estimates both and takes:
/// 1. dataflow when its design fits the part and meets the target (the
///    dataflow ``Estimate/targetMet``: fits, and reaches the frames/s asked for);
/// 2. else the faster of offload (when its engine fits the part) and a
///    dataflow design that fits but misses the target: the design for a
///    frames/s target when it fits, else the fastest folding that fits the
///    part. No folding within a `--budget` is no dataflow design. An engine
///    calling layer after layer rarely beats a dataflow design that fits, so
///    offload wins where no dataflow design fits the part or the budget;
/// 3. else (nothing fits) the dataflow design, so the estimate shows what it
///    needs; with no design at all, an error.
/// The reason names the deciding numbers ("dataflow needs 81,234 LUT of
/// 53,200 on xc7z020; offload fits (...)").
public struct ArchitectureChoice: Sendable {
  /// The chosen design.
  public enum Pick: Sendable {
    case dataflow(FoldingChoice)
    case offload(OffloadDesign)
  }

  public var requested: ArchitectureRequest
  public var picked: Pick
  /// Why ``picked`` (for `dataflow` and `offload` requests: that it was asked for).
  public var reason: String
  /// The dataflow folding and estimate, when estimated and a folding exists.
  public var dataflow: FoldingChoice?
  /// The offload engine, schedule and estimate, when estimated and possible.
  public var offload: OffloadDesign?

  /// Chooses for the compiled `graph` (whose hardware layers are `layers`)
  /// on the catalogue's board or part `board` at `clockMHz` (default: the
  /// board's). The dataflow side folds for `target`, pinning what
  /// `foldingFile` gives (see ``FoldingChoice``); the offload side runs on
  /// `engine` when given (read from the file `engineFile`, if one), else
  /// on the engine ``EngineSizeSolver`` sizes within the target's budget of
  /// the part (80% unless the target is a budget). The dataflow design's
  /// FIFOs are sized as `fifoSizing` says. `warning` hears what a
  /// folding file holds that Finch does not use.
  public init(
    graph: Graph, layers: [HardwareLayer], request: ArchitectureRequest, board: String, clockMHz: Double? = nil, target: FoldingTarget,
    foldingFile: String? = nil, engine: EngineConfiguration? = nil, engineFile: String? = nil,
    fifoSizing: DataflowPipeline.FIFOSizingMethod = .minimal, warning: (String) -> Void = { _ in }
  ) throws {
    requested = request
    func foldDataflow(_ target: FoldingTarget, again: Bool = false) throws -> FoldingChoice {
      try FoldingChoice(
        layers: layers, board: board, clockMHz: clockMHz, target: target, foldingFile: foldingFile, fifoSizing: fifoSizing,
        warning: again ? { _ in } : warning)
    }
    func designOffload() throws -> OffloadDesign {
      try Self.offloadDesign(graph: graph, board: board, clockMHz: clockMHz, target: target, engine: engine, engineFile: engineFile)
    }
    switch request {
    case .dataflow:
      let folding = try foldDataflow(target)
      (picked, reason, dataflow) = (.dataflow(folding), "requested", folding)
    case .offload:
      let design = try designOffload()
      (picked, reason, offload) = (.offload(design), "requested", design)
    case .auto:
      var dataflowFailure = "", offloadFailure = "", fastestFitting: FoldingChoice?
      do { dataflow = try foldDataflow(target) } catch FinchCostError.invalidTarget(let why) { dataflowFailure = why }
      if case .framesPerSecond = target, let d = dataflow?.estimate, !d.totals.fits(d.capacity) {
        do { fastestFitting = try foldDataflow(.budget(1), again: true) } catch FinchCostError.invalidTarget {}
      }
      do {
        offload = try designOffload()
      } catch let error as FinchOffloadError where engine == nil {
        offloadFailure = error.description
      } catch let error as ArchitectureError where engine == nil {
        offloadFailure = error.description
      }
      (picked, reason) = try Self.decide(
        dataflow: dataflow, fastestFitting: fastestFitting, dataflowFailure: dataflowFailure, target: target, offload: offload,
        offloadFailure: offloadFailure)
      if case .dataflow(let folding) = picked { dataflow = folding }
    }
  }

  /// The rule of the type's summary, on designs already made: `dataflow`
  /// folded for `target` (nil: none, for `dataflowFailure`), the fastest
  /// folding that fits the part when that one does not, and `offload` (nil:
  /// none, for `offloadFailure`). The pick and the reason, or
  /// ``ArchitectureError/neitherFits(dataflow:offload:)``.
  static func decide(
    dataflow folding: FoldingChoice?, fastestFitting: FoldingChoice?, dataflowFailure: String, target: FoldingTarget, offload o: OffloadDesign?,
    offloadFailure: String
  ) throws(ArchitectureError) -> (Pick, String) {
    let offloadFits = o?.fits ?? false
    let offloadFigures = o.map { o in
      "(\(uses(o.totals, o.capacity, o.part.family)); \(TextTable.grouped(o.estimate.fps)) frames/s on the engine, "
        + "\(o.schedule.cpuLayers.count) hardware layer\(o.schedule.cpuLayers.count == 1 ? "" : "s") on the CPU)"
    } ?? ""
    let offloadSays = o.map { o in
      offloadFits ? "offload fits \(offloadFigures)" : "the offload engine needs \(need(o.totals, o.capacity)) on \(o.part.name)"
    } ?? "no offload design: \(offloadFailure)"
    guard let folding else {
      if let o { return (.offload(o), "dataflow: \(dataflowFailure); \(offloadSays)") }
      throw .neitherFits(dataflow: dataflowFailure, offload: offloadFailure)
    }
    let d = folding.estimate
    var wanted: String?
    if case .framesPerSecond(let fps) = target { wanted = TextTable.grouped(fps) }
    // A dataflow design that fits the part but misses the target, and what is said of it.
    let fallback: FoldingChoice?, says: String
    if d.totals.fits(d.capacity) {
      let fits = "dataflow fits \(d.part) (\(uses(d.totals, d.capacity, d.family)))"
      guard let wanted else { return (.dataflow(folding), "\(fits) at \(TextTable.grouped(d.fps)) frames/s") }
      let reaches = "\(TextTable.grouped(d.fps)) frames/s of the \(wanted) asked for"
      guard !d.targetMet else { return (.dataflow(folding), "\(fits) and meets the target: \(reaches)") }
      (fallback, says) = (folding, "\(fits) but reaches only \(reaches)")
    } else {
      let needs = "dataflow needs \(need(d.totals, d.capacity)) on \(d.part)" + (wanted.map { " for \($0) frames/s" } ?? "")
      fallback = fastestFitting
      says = needs + (fastestFitting.map { "; its fastest folding that fits reaches \(TextTable.grouped($0.estimate.fps)) frames/s" } ?? "")
    }
    if let o, offloadFits, fallback.map({ o.estimate.fps > $0.estimate.fps }) ?? true {
      return (.offload(o), "\(says); " + (fallback == nil ? offloadSays : "offload fits and is faster \(offloadFigures)"))
    }
    guard let fallback else { return (.dataflow(folding), "\(says); \(offloadSays)") }
    let slower = o.map { "offload is slower (\(TextTable.grouped($0.estimate.fps)) frames/s)" }
    return (.dataflow(fallback), "\(says); " + (offloadFits ? slower ?? offloadSays : offloadSays))
  }

  /// LUTs and block RAM `used` of `capacity`: "8,855 of 53,200 LUT, 4 of 280 BRAM18" (EBR on iCE40).
  static func uses(_ used: Resources, _ capacity: Resources, _ family: DeviceFamily) -> String {
    let (ram, name) = family == .ice40 ? ((used.ebr, capacity.ebr), "EBR") : ((used.bram18, capacity.bram18), "BRAM18")
    return "\(TextTable.grouped(used.lut)) of \(TextTable.grouped(capacity.lut)) LUT, "
      + "\(TextTable.grouped(ram.0)) of \(TextTable.grouped(ram.1)) \(name)"
  }

  /// The resources `used` takes beyond `capacity`: "81,234 LUT of 53,200 and 300 BRAM18 of 280".
  static func need(_ used: Resources, _ capacity: Resources) -> String {
    let kinds: [(String, Int, Int)] = [
      ("LUT", used.lut, capacity.lut), ("FF", used.ff, capacity.ff), ("DSP", used.dsp, capacity.dsp),
      ("BRAM18", used.bram18, capacity.bram18), ("URAM", used.uram, capacity.uram), ("EBR", used.ebr, capacity.ebr),
    ]
    let over = kinds.filter { $0.1 > $0.2 }.map { "\(TextTable.grouped($0.1)) \($0.0) of \(TextTable.grouped($0.2))" }
    return over.isEmpty ? "no more than the part has" : over.joined(separator: " and ")
  }

  /// The offload design for `board` (a board of the catalogue: offload needs its memory bandwidth).
  static func offloadDesign(
    graph: Graph, board name: String, clockMHz: Double?, target: FoldingTarget, engine: EngineConfiguration?, engineFile: String?,
    placement: [String: Placement] = [:]
  ) throws -> OffloadDesign {
    let catalogue = try DeviceCatalogue.bundled()
    let device = try catalogue.device(named: name)
    guard let board = device.board else {
      throw ArchitectureError.offloadNeedsBoard(
        part: device.part.name, boards: catalogue.boards.filter { $0.part.lowercased() == device.part.name.lowercased() }.map(\.name))
    }
    var budget = 0.8, fps: Double?
    switch target {
    case .budget(let fraction): budget = fraction
    case .framesPerSecond(let f): fps = f
    case .pinned: break
    }
    let design = try OffloadDesign(
      graph: graph, board: board, part: device.part, clockMHz: clockMHz, budget: budget, targetFPS: fps, engine: engine,
      engineSource: engineFile.map { "from \($0)" }, placement: placement)
    guard !design.schedule.calls.isEmpty else {
      throw ArchitectureError.engineRunsNoLayer(engine: design.engineSource, cpuLayers: design.schedule.cpuLayers)
    }
    return design
  }
}

extension ArchitectureChoice {
  /// The choice as JSON holds it: `arch` in `finch estimate --arch offload|auto
  /// --json` and `finch build --json`, and a build folder's `architecture.json`.
  public struct Report: Sendable, Codable {
    public var requested: ArchitectureRequest
    public var chosen: Architecture
    public var reason: String
    /// The dataflow estimate (`finch estimate --json`'s object), when made.
    public var dataflow: Estimate?
    /// The offload design (`offload_estimate.json`'s object), when made.
    public var offload: OffloadDesign.Report?
  }

  /// The chosen architecture.
  public var chosen: Architecture {
    switch picked {
    case .dataflow: return .dataflow
    case .offload: return .offload
    }
  }

  /// The choice with both estimates as JSON holds them.
  public var report: Report {
    Report(requested: requested, chosen: chosen, reason: reason, dataflow: dataflow?.estimate, offload: offload?.report)
  }
}
