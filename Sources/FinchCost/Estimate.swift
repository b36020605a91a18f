/// Cycles and resources of a folded network on a device: what `finch estimate --json` prints.
public struct Estimate: Sendable, Codable {
  /// One layer's folding, cycles and resources (FIFOs and width converters
  /// between layers appear as entries of their own, op `FIFO` or `DWC`).
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
    /// iCE40 4 Kb block RAMs.
    public var ebr: Int

    init(name: String, op: String, pe: Int, simd: Int, cycles: Int, _ r: Resources) {
      (self.name, self.op, self.pe, self.simd, self.cycles) = (name, op, pe, simd, cycles)
      (lut, ff, dsp, bram18, uram, ebr) = (r.lut, r.ff, r.dsp, r.bram18, r.uram, r.ebr)
    }

    /// The layer's resources.
    public var resources: Resources { Resources(lut: lut, ff: ff, dsp: dsp, bram18: bram18, uram: uram, ebr: ebr) }
  }

  public var board: String
  public var part: String
  /// The part's family, whose resource rules the estimate uses.
  public var family: DeviceFamily
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
    case board, part, family, layers, totals, capacity, fps, bottleneck
    case clockMHz = "clock_mhz"
    case latencyCycles = "latency_cycles"
    case targetMet = "target_met"
  }

  /// Estimates `pipeline` on `device` at `clockMHz` (see the next initializer).
  public init(device: Device, clockMHz: Double, pipeline: DataflowPipeline, targetFPS: Double?) {
    self.init(
      board: device.name, part: device.part.name, family: device.part.family, clockMHz: clockMHz, capacity: device.capacity,
      pipeline: pipeline, targetFPS: targetFPS)
  }

  /// Estimates every element of `pipeline` (layers and glue, one entry each,
  /// named as the pipeline names them) at `clockMHz` on a part of `family`;
  /// `targetFPS` decides `targetMet` (nil: met when the design fits the device).
  public init(
    board: String, part: String, family: DeviceFamily, clockMHz: Double, capacity: Resources, pipeline: DataflowPipeline, targetFPS: Double?
  ) {
    self.board = board
    self.part = part
    self.family = family
    self.clockMHz = clockMHz
    self.capacity = capacity
    let entries = pipeline.elements.map { e -> Layer in
      switch e.kind {
      case .layer(let i):
        let (l, f) = (pipeline.layers[i], pipeline.folding.foldings[i])
        return Layer(name: e.name, op: l.kind.rawValue, pe: f.pe, simd: f.simd, cycles: CycleModel.cycles(l, f), ResourceModel.resources(l, f, on: family))
      case .fifo, .dwc:
        // One word per cycle through either.
        return Layer(name: e.name, op: e.op(in: pipeline), pe: 1, simd: 1, cycles: e.outputWords, StreamGlue.resources(e, on: family) ?? Resources())
      }
    }
    self.layers = entries
    totals = entries.reduce(Resources()) { $0 + $1.resources }
    let slowest = self.layers.max { $0.cycles < $1.cycles }
    bottleneck = slowest?.name ?? ""
    let rate = clockMHz * 1e6 / Double(max(slowest?.cycles ?? 1, 1))
    fps = rate
    latencyCycles = self.layers.reduce(0) { $0 + $1.cycles }
    targetMet = totals.fits(capacity) && (targetFPS.map { rate >= $0 * (1 - 1e-9) } ?? true)
  }
}
