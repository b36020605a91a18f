/// Chooses PE and SIMD for every layer: the least resources that reach a
/// target cycle count per frame, or the most frames per second within a
/// fraction of a device.
///
/// Throughput is set by the slowest layer alone, so for a target every layer
/// takes a folding that meets it, and among those the solver minimizes the
/// cost of layers and stream glue together: a width converter sits between
/// two layers wherever one's output word differs from the next one's input
/// word, so the foldings are chosen along the pipeline at once (a shortest
/// path), and a PE that matches the next layer's SIMD saves a converter.
/// "Cheapest" weighs every resource by the share of the device it uses, so the
/// solver trades LUTs for BRAM or DSPs where the device has room (FINN's
/// SetFolding raises SIMD then PE greedily and ignores resources and glue). A sliding
/// window unit follows the MVAU it feeds: its SIMD is `gcd(C, SIMD of the MVAU)`,
/// as in FINN's BNN-PYNQ foldings. Deterministic: ties go to fewer lanes.
///
/// In a design that branches the stages still follow the layers' stream
/// order, so the converter priced between two consecutive stages is exact on
/// a chain and an approximation where the second does not read the first;
/// ``DataflowPipeline`` places converters on the real edges either way, and
/// ``total(_:)`` counts those.
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

  /// One way to fold a stage: a layer, or a sliding window unit and the MVAU
  /// it feeds, with the stream words it takes and gives and its cost.
  struct StageOption {
    var foldings: [LayerFolding]
    var cycles: Int
    var inputBits: Int
    var outputBits: Int
    var cost: Double
  }

  /// The layers in stages: a sliding window unit directly followed by the
  /// MVAU it feeds is one stage (its SIMD follows the MVAU's), any other layer
  /// its own.
  var stages: [[Int]] {
    var result: [[Int]] = []
    var i = 0
    while i < layers.count {
      let paired = layers[i].kind == .swu && consumers[i] == i + 1
      result.append(paired ? [i, i + 1] : [i])
      i += paired ? 2 : 1
    }
    return result
  }

  /// The ways to fold `stage` (layer indices), each priced with the glue
  /// inside it and, unless it is the first stage, the FIFO in front of it at
  /// the least depth its consumer's intake needs (``FIFOSizing/intakeDepth(_:_:)``).
  func options(stage: [Int], first: Bool) -> [StageOption] {
    let head = layers[stage[0]]
    func fifo(_ l: HardwareLayer, _ f: LayerFolding) -> Resources {
      StreamGlue.fifoResources(width: l.inputStream(f).wordBits, depth: FIFOSizing.intakeDepth(l, f), on: family)
    }
    /// The FIFO in front of the stage: none before the pipeline's first layer.
    func headFIFO(_ f: LayerFolding) -> Resources { first ? Resources() : fifo(head, f) }
    guard stage.count == 2 else {
      return options(stage[0]).map {
        StageOption(
          foldings: [$0.folding], cycles: $0.cycles, inputBits: head.inputStream($0.folding).wordBits,
          outputBits: head.outputStream($0.folding).wordBits, cost: cost($0.resources + headFIFO($0.folding)))
      }
    }
    let (s, m) = (stage[0], stage[1])
    let swuOptions = options(s), mvau = layers[m]
    return options(m).map { o in
      let simd = pinned[s]?.simd ?? gcd(head.channels, o.folding.simd)
      let feeder = swuOptions.first { $0.folding.simd == simd } ?? swuOptions[0]
      let (swuOut, mvauIn) = (head.outputStream(feeder.folding).wordBits, mvau.inputStream(o.folding).wordBits)
      let dwc = swuOut == mvauIn ? Resources() : StreamGlue.dwcResources(inputBits: swuOut, outputBits: mvauIn, on: family)
      return StageOption(
        foldings: [feeder.folding, o.folding], cycles: max(o.cycles, feeder.cycles),
        inputBits: head.inputStream(feeder.folding).wordBits, outputBits: mvau.outputStream(o.folding).wordBits,
        cost: cost(o.resources + feeder.resources + dwc + headFIFO(feeder.folding) + fifo(mvau, o.folding)))
    }
  }

  /// Each stage's options meeting `target`, or its fastest where none does.
  func choices(targetCycles target: Int) -> [[StageOption]] {
    stages.enumerated().map { n, stage in
      let all = options(stage: stage, first: n == 0)
      let meeting = all.filter { $0.cycles <= target }
      let fastest = all.map(\.cycles).min() ?? 0
      return meeting.isEmpty ? all.filter { $0.cycles == fastest } : meeting
    }
  }

  /// The cost of the width converter between a stage whose words leave with
  /// `from` bits and one taking `to`-bit words (none when they are equal).
  func glueCost(from: Int, to: Int) -> Double {
    from == to ? 0 : cost(StreamGlue.dwcResources(inputBits: from, outputBits: to, on: family))
  }

  /// The foldings whose cycles are all at most `target` (a stage that cannot
  /// reach it takes its fastest foldings) at the least cost of layers and
  /// glue: each stage's own cost plus the width converter its input word
  /// needs after the previous stage's output word. Width converters join the
  /// stages, so the choice is a shortest path over the stages, by dynamic
  /// programming on the word leaving each stage; a layer whose PE matches the
  /// next one's SIMD saves its converter.
  public func foldings(targetCycles target: Int) -> [LayerFolding] {
    let stages = self.stages, choices = self.choices(targetCycles: target)
    var dwcCost: [[Int]: Double] = [:]
    func glue(_ from: Int, _ to: Int) -> Double {
      if let c = dwcCost[[from, to]] { return c }
      let c = glueCost(from: from, to: to)
      dwcCost[[from, to]] = c
      return c
    }
    // best[n][k]: the least cost of stages 0...n with stage n folded as its
    // option k, and the option of stage n - 1 it follows.
    var best: [[(cost: Double, previous: Int)]] = []
    for (n, options) in choices.enumerated() {
      var row: [(cost: Double, previous: Int)] = []
      // The cheapest way to end stage n - 1 on each output word.
      var ends: [Int: (cost: Double, option: Int)] = [:]
      if n > 0 {
        for (k, o) in choices[n - 1].enumerated() where best[n - 1][k].cost < ends[o.outputBits]?.cost ?? .infinity {
          ends[o.outputBits] = (best[n - 1][k].cost, k)
        }
      }
      let endBits = ends.keys.sorted()
      for o in options {
        guard n > 0 else {
          row.append((o.cost, -1))
          continue
        }
        var entry = (cost: Double.infinity, previous: 0)
        for bits in endBits {
          let end = ends[bits]!
          let c = end.cost + glue(bits, o.inputBits) + o.cost
          if c < entry.cost { entry = (c, end.option) }
        }
        row.append(entry)
      }
      best.append(row)
    }
    var result = [LayerFolding](repeating: LayerFolding(), count: layers.count)
    guard var k = best.last?.indices.min(by: { best[best.count - 1][$0].cost < best[best.count - 1][$1].cost }) else { return result }
    for n in stages.indices.reversed() {
      for (i, f) in zip(stages[n], choices[n][k].foldings) { result[i] = f }
      k = best[n][k].previous
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

  /// The resources of `foldings`: every layer, FIFO (at the schedule's bound,
  /// never below the depth the design gets) and width converter.
  public func total(_ foldings: [LayerFolding]) -> Resources {
    let glue = (try? DataflowPipeline(layers: layers, folding: NetworkFolding(layers, foldings), sizing: .scheduleBound))?.elements ?? []
    return layers.indices.map { ResourceModel.resources(layers[$0], foldings[$0], on: family) }.reduce(Resources(), +)
      + glue.compactMap { StreamGlue.resources($0, on: family) }.reduce(Resources(), +)
  }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }
