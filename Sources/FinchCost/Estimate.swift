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
    /// The cycle its first and last output word of the first frame leave it,
    /// counted from the frame's first input word (``LatencyEstimate``).
    public var firstOutputCycle: Int
    public var lastOutputCycle: Int
    /// A FIFO's depth in words.
    public var depth: Int?

    enum CodingKeys: String, CodingKey {
      case name, op, pe, simd, cycles, lut, ff, dsp, bram18, uram, ebr, depth
      case firstOutputCycle = "first_output_cycle"
      case lastOutputCycle = "last_output_cycle"
    }

    init(name: String, op: String, pe: Int, simd: Int, cycles: Int, _ r: Resources, timing: StreamTiming) {
      (self.name, self.op, self.pe, self.simd, self.cycles) = (name, op, pe, simd, cycles)
      (lut, ff, dsp, bram18, uram, ebr) = (r.lut, r.ff, r.dsp, r.bram18, r.uram, r.ebr)
      (firstOutputCycle, lastOutputCycle) = (Int(timing.first.rounded(.up)), Int(timing.last.rounded(.up)))
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
  /// The longest path's sum of elements' cycles per frame (in a chain, all
  /// of them): FINN's critical path, which assumes no overlap between layers
  /// (a loose upper bound; see ``firstFrameLatencyCycles``).
  public var latencyCycles: Int
  /// Cycles from the first frame's first input word to its last output word,
  /// the layers overlapping (``LatencyEstimate/firstFrameCycles``).
  public var firstFrameLatencyCycles: Int
  /// A frame's latency when frames arrive at the design's frame rate
  /// (``LatencyEstimate/steadyStateCycles``).
  public var steadyStateLatencyCycles: Int
  /// The slowest layer.
  public var bottleneck: String
  /// Whether the requested frames/s (or budget) is met.
  public var targetMet: Bool
  /// How the FIFOs were sized (``DataflowPipeline/FIFOSizingMethod``); absent in estimates written before it was recorded.
  public var fifoSizing: DataflowPipeline.FIFOSizingMethod?
  /// The design's power on its part at ``clockMHz`` (Docs/power.md); absent where the part is unknown.
  public var power: PowerEstimate?
  /// Frames per second per watt (with ``power``).
  public var fpsPerWatt: Double?

  enum CodingKeys: String, CodingKey {
    case board, part, family, layers, totals, capacity, fps, bottleneck
    case clockMHz = "clock_mhz"
    case latencyCycles = "latency_cycles"
    case firstFrameLatencyCycles = "first_frame_latency_cycles"
    case steadyStateLatencyCycles = "steady_state_latency_cycles"
    case targetMet = "target_met"
    case fifoSizing = "fifo_sizing"
    case power, fpsPerWatt = "fps_per_watt"
  }

  /// Estimates `pipeline` on `device` at `clockMHz` (see the next initializer).
  public init(device: Device, clockMHz: Double, pipeline: DataflowPipeline, targetFPS: Double?) {
    self.init(
      board: device.name, part: device.part.name, family: device.part.family, clockMHz: clockMHz, capacity: device.capacity,
      pipeline: pipeline, targetFPS: targetFPS)
    let power = PowerEstimate(resources: totals, part: device.part, clockMHz: clockMHz)
    (self.power, fpsPerWatt) = (power, power.fpsPerWatt(fps))
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
    let latency = LatencyEstimate(pipeline)
    let entries = zip(pipeline.elements, latency.elements).map { e, timing -> Layer in
      switch e.kind {
      case .layer(let i):
        let (l, f) = (pipeline.layers[i], pipeline.folding.foldings[i])
        return Layer(
          name: e.name, op: l.kind.rawValue, pe: f.pe, simd: f.simd, cycles: CycleModel.cycles(l, f), ResourceModel.resources(l, f, on: family),
          timing: timing)
      case .fifo, .dwc, .dup:
        // One word per cycle through each.
        var glue = Layer(
          name: e.name, op: e.op(in: pipeline), pe: 1, simd: 1, cycles: e.outputWords, StreamGlue.resources(e, on: family) ?? Resources(),
          timing: timing)
        if case .fifo(let depth) = e.kind { glue.depth = depth }
        return glue
      }
    }
    self.layers = entries
    totals = entries.reduce(Resources()) { $0 + $1.resources }
    let slowest = self.layers.max { $0.cycles < $1.cycles }
    bottleneck = slowest?.name ?? ""
    let rate = clockMHz * 1e6 / Double(max(slowest?.cycles ?? 1, 1))
    fps = rate
    var path: [Int] = []  // per element, the longest path's cycles up to and including it
    for (e, entry) in zip(pipeline.elements, entries) { path.append((e.sources.map { path[$0.element] }.max() ?? 0) + entry.cycles) }
    latencyCycles = path.max() ?? 0
    firstFrameLatencyCycles = latency.firstFrameCycles
    steadyStateLatencyCycles = latency.steadyStateCycles
    targetMet = totals.fits(capacity) && (targetFPS.map { rate >= $0 * (1 - 1e-9) } ?? true)
    fifoSizing = pipeline.fifoSizing
  }
}
