/// Chooses PE and SIMD for every layer: the least resources that reach a
/// target cycle count per frame, or the most frames per second within a
/// fraction of a device.
///
/// Throughput is set by the slowest layer alone, so for a target the layers
/// are independent: each takes its cheapest folding that meets the target.
/// "Cheapest" weighs every resource by the share of the device it uses, so the
/// solver trades LUTs for BRAM or DSPs where the device has room (FINN's
/// SetFolding raises SIMD then PE greedily and ignores resources). A sliding
/// window unit follows the MVAU it feeds: its SIMD is `gcd(C, SIMD of the MVAU)`,
/// as in FINN's BNN-PYNQ foldings. Deterministic: ties go to fewer lanes.
public struct FoldingSolver: Sendable {
  /// One way to fold a layer, with what it costs.
  public struct Option: Sendable, Equatable {
    public var folding: LayerFolding
    public var cycles: Int
    public var resources: Resources
  }

  public let layers: [HardwareLayer]
  /// The device's resources (weights of the cost).
  public let capacity: Resources
  /// The device's family, whose resource rules cost the options.
  public let family: DeviceFamily
  /// Foldings fixed by the user, by layer index (PE or SIMD may be left free).
  public let pinned: [Int: FoldingConfig.Entry]

  public init(layers: [HardwareLayer], capacity: Resources, family: DeviceFamily, pinned: [Int: FoldingConfig.Entry] = [:]) {
    self.layers = layers
    self.capacity = capacity
    self.family = family
    self.pinned = pinned
  }

  /// The index of the MVAU each SWU feeds (the next MVAU in stream order).
  var consumers: [Int: Int] {
    var result: [Int: Int] = [:]
    for (i, l) in layers.enumerated() where l.kind == .swu {
      if let j = layers[(i + 1)...].firstIndex(where: { $0.kind == .mvau }) { result[i] = j }
    }
    return result
  }

  /// The foldings layer `i` may take, honouring pins.
  public func options(_ i: Int) -> [Option] {
    let l = layers[i]
    var result: [Option] = []
    for pe in l.peChoices where pinned[i]?.pe.map({ $0 == pe }) ?? true {
      for simd in l.simdChoices where pinned[i]?.simd.map({ $0 == simd }) ?? true {
        let f = LayerFolding(pe: pe, simd: simd)
        result.append(Option(folding: f, cycles: CycleModel.cycles(l, f), resources: ResourceModel.resources(l, f, on: family)))
      }
    }
    return result
  }

  /// The scalar cost of resources: the sum of the shares of the device they use.
  public func cost(_ r: Resources) -> Double {
    func share(_ used: Int, _ total: Int) -> Double { used == 0 ? 0 : (total == 0 ? 1e9 : Double(used) / Double(total)) }
    return share(r.lut, capacity.lut) + share(r.ff, capacity.ff) / 2 + share(r.dsp, capacity.dsp) + share(r.bram18, capacity.bram18)
      + share(r.uram, capacity.uram) + share(r.ebr, capacity.ebr)
  }

  /// The cheapest folding of every layer whose cycles are at most `target`;
  /// a layer that cannot reach it gets its fastest folding.
  public func foldings(targetCycles target: Int) -> [LayerFolding] {
    var result = [LayerFolding](repeating: LayerFolding(), count: layers.count)
    let swuOf = Dictionary(uniqueKeysWithValues: consumers.map { ($1, $0) })
    for i in layers.indices where layers[i].kind != .swu || consumers[i] == nil {
      let swu = swuOf[i]
      var best: (option: Option, swu: Option?, cost: Double, cycles: Int)?
      for o in options(i) {
        var feeder: Option?
        if let s = swu {
          let simd = pinned[s]?.simd ?? gcd(layers[s].channels, o.folding.simd)
          feeder = options(s).first { $0.folding.simd == simd } ?? options(s).first
        }
        let cycles = max(o.cycles, feeder?.cycles ?? 0)
        let c = cost(o.resources + (feeder?.resources ?? Resources()))
        let better: Bool
        if let b = best {
          let meets = cycles <= target, bestMeets = b.cycles <= target
          if meets != bestMeets {
            better = meets
          } else if meets {
            better = c < b.cost || (c == b.cost && cycles < b.cycles)
          } else {
            better = cycles < b.cycles || (cycles == b.cycles && c < b.cost)
          }
        } else {
          better = true
        }
        if better { best = (o, feeder, c, cycles) }
      }
      if let b = best {
        result[i] = b.option.folding
        if let s = swu, let f = b.swu { result[s] = f.folding }
      }
    }
    return result
  }

  /// The smallest cycle count every layer can reach (the fastest possible pipeline).
  public var fastestCycles: Int {
    let f = foldings(targetCycles: 0)
    return layers.indices.map { CycleModel.cycles(layers[$0], f[$0]) }.max() ?? 0
  }

  /// Foldings for a target: if it cannot be met, the fastest pipeline, then
  /// (FINN's relaxation) every layer relaxed to the bottleneck to save resources.
  public func solve(targetCycles target: Int) -> [LayerFolding] {
    let fastest = fastestCycles
    return foldings(targetCycles: max(target, fastest))
  }

  /// The fastest foldings whose total resources fit in `budget` (a fraction of
  /// each of the device's resources); nil when even the slowest folding does not fit.
  public func solve(budget: Double) -> [LayerFolding]? {
    var candidates = Set<Int>()
    for i in layers.indices { for o in options(i) { candidates.insert(o.cycles) } }
    let sorted = candidates.filter { $0 >= fastestCycles }.sorted()
    func fits(_ f: [LayerFolding]) -> Bool { total(f).fits(capacity, fraction: budget) }
    var low = 0, high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if fits(foldings(targetCycles: sorted[mid])) { high = mid } else { low = mid + 1 }
    }
    return low < sorted.count ? foldings(targetCycles: sorted[low]) : nil
  }

  /// The resources of `foldings`: every layer, FIFO (sized by ``FIFOSizing``) and width converter.
  public func total(_ foldings: [LayerFolding]) -> Resources {
    let glue = (try? DataflowPipeline(layers: layers, folding: NetworkFolding(layers, foldings)))?.elements ?? []
    return layers.indices.map { ResourceModel.resources(layers[$0], foldings[$0], on: family) }.reduce(Resources(), +)
      + glue.compactMap { StreamGlue.resources($0, on: family) }.reduce(Resources(), +)
  }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }
