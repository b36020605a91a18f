import FinchCost

/// Chooses an engine for a network and a device (Docs/offload.md §8): lane
/// widths and geometry limits just large enough for every layer the engine
/// can run, then the PE, SIMD and buffer depths (powers of two) with the most
/// frames/s whose resources fit `budget` of the part, never leaving more
/// layers to the CPU than the best candidate engine would (within the budget
/// or not). Ties go to fewer resources
/// (the sum of the shares of the part used). Deterministic.
public struct EngineSizeSolver: Sendable {
  public var layers: [HardwareLayer]
  public var part: Part
  public var clockMHz: Double
  public var bandwidthGBps: Double
  /// Fraction of each of the part's resources the engine may use.
  public var budget: Double
  public var memoryWordBits: Int
  /// The activation lane width; nil: the widest any MVAU needs (up to 8).
  /// Narrower lanes leave wider layers (an 8-bit first layer) to the CPU, as
  /// QNN-MO-PYNQ does, and make the threshold buffer far smaller.
  public var activationBits: Int?
  /// The weight lane width; nil: the widest weights of the MVAUs whose inputs
  /// fit the activation lane. Narrower leaves wider-weight layers (an 8-bit
  /// last layer) to the CPU.
  public var weightBits: Int?
  /// Where named layers run: layers placed on the CPU do not size the engine.
  public var placement: [String: Placement] = [:]

  public init(
    layers: [HardwareLayer], part: Part, clockMHz: Double, bandwidthGBps: Double, budget: Double = 0.8, memoryWordBits: Int = 64,
    activationBits: Int? = nil, weightBits: Int? = nil
  ) {
    (self.layers, self.part, self.clockMHz, self.bandwidthGBps, self.budget, self.memoryWordBits) = (
      layers, part, clockMHz, bandwidthGBps, budget, memoryWordBits
    )
    self.activationBits = activationBits
    self.weightBits = weightBits
  }

  /// A board's part, clock and bandwidth.
  public init(
    layers: [HardwareLayer], board: Board, catalogue: DeviceCatalogue, budget: Double = 0.8, activationBits: Int? = nil, weightBits: Int? = nil
  ) throws(FinchOffloadError) {
    let part: Part
    do { part = try catalogue.part(of: board) } catch { throw .layerFacts(error) }
    self.init(
      layers: layers, part: part, clockMHz: board.clockMHz, bandwidthGBps: board.bandwidthGBps, budget: budget, activationBits: activationBits,
      weightBits: weightBits)
  }

  /// The chosen engine with its estimate and resources.
  public struct Choice: Sendable {
    public var engine: EngineConfiguration
    public var schedule: Schedule
    public var estimate: OffloadEstimate
    public var resources: Resources
  }

  /// The weight and activation lane widths: ``weightBits`` and
  /// ``activationBits`` where given; else the widest weights of the MVAUs whose
  /// inputs fit the activation lane, and the widest input or thresholded
  /// output of any MVAU (up to 8).
  var laneWidths: (weight: Int, activation: Int) {
    let mvaus = layers.filter { $0.kind == .mvau }
    let a = activationBits
      ?? min(8, max(mvaus.map(\.inputBits).filter { $0 <= 8 }.max() ?? 1, mvaus.filter { $0.thresholds > 0 }.map(\.outputBits).max() ?? 1))
    let w = weightBits ?? mvaus.filter { $0.inputBits <= a }.map(\.weightLaneBits).max() ?? 1
    return (w, a)
  }

  /// The layers an engine with these lanes can run: each MVAU whose weights
  /// and inputs fit them, with the sliding window before it and the max-pool after it.
  func admittedLayers(weightBits w: Int, activationBits a: Int) -> [HardwareLayer] {
    var admitted: [HardwareLayer] = []
    for (i, l) in layers.enumerated() {
      let mvau: HardwareLayer?
      switch l.kind {
      case .mvau: mvau = l
      case .swu: mvau = i + 1 < layers.count && layers[i + 1].kind == .mvau ? layers[i + 1] : nil
      case .streamingMaxPool:
        mvau = layers[..<i].last { $0.kind == .mvau }
      case .thresholding, .labelSelect, .vvau, .addStreams, .streamingConcat, .globalAccPool: mvau = nil
      }
      guard let mvau, mvau.weightLaneBits <= w, mvau.inputBits <= a,
        placement[l.name] != .cpu, placement[mvau.name] != .cpu
      else { continue }
      admitted.append(l)
    }
    return admitted
  }

  /// PE and SIMD candidates (powers of two).
  public static let lanes = [1, 2, 4, 8, 16, 32, 64]
  /// Weight buffer depth candidates.
  public static let depths = (6...16).map { 1 << $0 }

  public func solve() throws(FinchOffloadError) -> Choice {
    guard budget > 0, budget <= 1 else { throw .noEngineFits("the budget must be in (0, 1], not \(budget)") }
    guard layers.contains(where: { $0.kind == .mvau }) else { throw .noEngineFits("the network has no MVAU layers") }
    let (w, a) = laneWidths
    // Limits that admit every layer the lanes admit (the others go to the CPU).
    let admitted = admittedLayers(weightBits: w, activationBits: a)
    let mvaus = admitted.filter { $0.kind == .mvau }
    let swus = admitted.filter { $0.kind == .swu }
    guard !mvaus.isEmpty else { throw .noEngineFits("no MVAU has weights of at most \(w) bits and inputs of at most \(a) bits") }
    let t = min(32, (mvaus.map { $0.accumulatorRegisterBits }.max() ?? 2) + 1)
    let k = min(15, max(1, swus.flatMap { $0.kernel + $0.stride }.max() ?? 1, admitted.filter { $0.kind == .streamingMaxPool }.flatMap(\.kernel).max() ?? 1))
    let size = min(4095, max(1, swus.flatMap(\.inputDims).max() ?? 1))
    let channels = max(swus.map(\.channels).max() ?? 1, divUp(mvaus.map(\.mw).max() ?? 1, k * k))
    let maxNF = mvaus.map(\.mh).max() ?? 1
    let catalogueCapacity = Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18, uram: part.uram, ebr: part.ebr4k)
    func make(_ pe: Int, _ simd: Int, _ depth: Int) -> EngineConfiguration? {
      try? EngineConfiguration(
        pe: pe, simd: simd, weightBits: w, activationBits: a, thresholdBits: t, maxKernel: k, maxChannels: roundUp(channels, simd),
        maxImageSize: size, weightDepth: depth, thresholdDepth: min(depth, roundUp(divUp(maxNF, pe), 1)), memoryWordBits: memoryWordBits)
    }
    func cost(_ r: Resources) -> Double {
      func share(_ u: Int, _ c: Int) -> Double { u == 0 ? 0 : c == 0 ? 1e9 : Double(u) / Double(c) }
      return share(r.lut, part.luts) + share(r.ff, part.ffs) + share(r.dsp, part.dsps) + share(r.bram18, part.bram18) + share(r.ebr, part.ebr4k)
    }
    // Every candidate's schedule: the fewest CPU layers any of them leaves,
    // fitting the budget or not, is the bar. (The engine with the largest
    // buffers is not always it: with PE 1 an output tile must span a whole
    // memory word of channels, which can need more weight words than the
    // deepest buffer holds, while a wider PE tiles the same layer.)
    var candidates: [(engine: EngineConfiguration, schedule: Schedule)] = []
    var refusal: FinchOffloadError?
    for pe in Self.lanes {
      for simd in Self.lanes {
        for depth in Self.depths {
          guard let engine = make(pe, simd, depth) else { continue }
          // An engine that cannot run a layer placed on the accelerator is no candidate.
          do throws(FinchOffloadError) {
            candidates.append((engine, try ScheduleCompiler(engine: engine, placement: placement).schedule(layers)))
          } catch {
            refusal = refusal ?? error
          }
        }
      }
    }
    guard let fewestCPU = candidates.map({ $0.schedule.cpuLayers.count }).min() else {
      throw refusal ?? .noEngineFits("no valid engine for these layers")
    }
    var best: Choice?
    for (engine, schedule) in candidates where schedule.cpuLayers.count <= fewestCPU {
      let resources = EngineResources.total(engine, on: part.family)
      guard resources.fits(catalogueCapacity, fraction: budget) else { continue }
      let estimate = try OffloadEstimate(schedule, clockMHz: clockMHz, bandwidthGBps: bandwidthGBps)
      let choice = Choice(engine: engine, schedule: schedule, estimate: estimate, resources: resources)
      if let b = best {
        if estimate.cycles < b.estimate.cycles || (estimate.cycles == b.estimate.cycles && cost(resources) < cost(b.resources)) { best = choice }
      } else {
        best = choice
      }
    }
    guard let best else { throw .noEngineFits("no engine of PE, SIMD in \(Self.lanes) fits \(Int(budget * 100))% of \(part.name)") }
    return best
  }
}

extension HardwareLayer {
  /// The engine weight lane an MVAU's weights need: 1 for bipolar weights, else their width.
  var weightLaneBits: Int { weightType == .bipolar ? 1 : weightBits }
}
