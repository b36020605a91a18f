/// Cycles and resources of a folded network on a device: what `finch estimate --json` prints.
public struct Estimate: Sendable, Codable {
  /// One layer's folding, cycles and resources.
  public struct Layer: Sendable, Codable {
    public var name: String
    public var op: String
    public var pe: Int
    public var simd: Int
    public var cycles: Int
    public var lut: Int
    public var ff: Int
    public var dsp: Int
    public var bram18: Int
    public var uram: Int
  }

  public var board: String
  public var part: String
  public var clockMHz: Double
  public var layers: [Layer]
  public var totals: Resources
  public var capacity: Resources
  /// Frames per second at the clock: clock / the slowest layer's cycles.
  public var fps: Double
  /// Sum of the layers' cycles (no overlap assumed: an upper bound).
  public var latencyCycles: Int
  /// The slowest layer.
  public var bottleneck: String
  /// Whether the requested frames/s (or budget) is met.
  public var targetMet: Bool

  enum CodingKeys: String, CodingKey {
    case board, part, layers, totals, capacity, fps, bottleneck
    case clockMHz = "clock_mhz"
    case latencyCycles = "latency_cycles"
    case targetMet = "target_met"
  }

  /// Estimates `layers` folded as `foldings` at `clockMHz`; `targetFPS` decides `targetMet`
  /// (nil: met when the design fits the device).
  public init(
    board: String, part: String, clockMHz: Double, capacity: Resources, layers: [HardwareLayer], foldings: [LayerFolding],
    targetFPS: Double?
  ) {
    self.board = board
    self.part = part
    self.clockMHz = clockMHz
    self.capacity = capacity
    self.layers = zip(layers, foldings).map { l, f in
      let r = ResourceModel.resources(l, f)
      return Layer(
        name: l.name, op: l.kind.rawValue, pe: f.pe, simd: f.simd, cycles: CycleModel.cycles(l, f), lut: r.lut, ff: r.ff,
        dsp: r.dsp, bram18: r.bram18, uram: r.uram)
    }
    totals = zip(layers, foldings).map { ResourceModel.resources($0, $1) }.reduce(Resources(), +)
    let slowest = self.layers.max { $0.cycles < $1.cycles }
    bottleneck = slowest?.name ?? ""
    let rate = clockMHz * 1e6 / Double(max(slowest?.cycles ?? 1, 1))
    fps = rate
    latencyCycles = self.layers.reduce(0) { $0 + $1.cycles }
    let fits = totals.lut <= capacity.lut && totals.ff <= capacity.ff && totals.dsp <= capacity.dsp
      && totals.bram18 <= capacity.bram18 && totals.uram <= capacity.uram
    targetMet = fits && (targetFPS.map { rate >= $0 * (1 - 1e-9) } ?? true)
  }
}
