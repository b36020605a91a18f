import FinchCost

/// The engine's resources through FinchCost's models (Docs/offload.md §7),
/// as the dataflow layers are estimated:
/// - compute: an MVAU of `SIMD` columns and `PE` rows (one weight tile, so
///   its own ROMs are a single word) at the engine's lane widths, with
///   `2^A − 1` thresholds of `threshold_bits`; plus 3 LUTs per lane for the
///   XNOR path when the lanes are wider than one bit;
/// - the window buffer: a RAM of `SIMD·A` × ``EngineConfiguration/windowBufferDepth``
///   with an SWU's address logic;
/// - the pool: a RAM of `PE·A` × ``EngineConfiguration/poolBufferDepth`` with
///   one running-max comparator per PE lane;
/// - the weight and threshold buffers: RAMs of `PE·SIMD·W` × `weight_depth`
///   and `PE·(2^A − 1)·T` × `threshold_depth`;
/// - memory reader, writer, width converters and registers: a fixed
///   ``glue`` plus a FIFO-sized word register per port.
public enum EngineResources {
  /// The fixed control logic: register file, call sequencer, address counters.
  public static let glue = Resources(lut: 600, ff: 900)

  /// Resources of `engine` on a part of `family`, by part.
  public static func estimate(_ engine: EngineConfiguration, on family: DeviceFamily) -> [(name: String, resources: Resources)] {
    let (p, q, a, w, t) = (engine.pe, engine.simd, engine.activationBits, engine.weightBits, engine.thresholdBits)
    var mvau = HardwareLayer(name: "engine_mvau", kind: .mvau)
    (mvau.mw, mvau.mh) = (q, p)
    (mvau.inputBits, mvau.weightBits, mvau.accumulatorBits, mvau.outputBits) = (a, w, t, a)
    mvau.signedInput = a > 1
    mvau.xnor = a == 1 && w == 1
    mvau.thresholds = engine.thresholdsPerChannel
    var compute = ResourceModel.resources(mvau, LayerFolding(pe: p, simd: q), on: family)
    if !mvau.xnor { compute = compute + Resources(lut: 3 * p * q) }
    // The window and pool buffers are plain RAMs; their address and select logic costs what an SWU's and a max-pool's does.
    let (window, codes) = (q * a, p * a)
    let windowBuffer = Resources(lut: 200, ff: 90 + window) + ResourceModel.ram(width: window, depth: engine.windowBufferDepth, on: family)
    let pool = Resources(lut: 80 + 2 * codes, ff: 60 + 3 * codes) + ResourceModel.ram(width: codes, depth: engine.poolBufferDepth, on: family)
    let port = Resources(lut: engine.memoryWordBits, ff: 4 * engine.memoryWordBits)
    return [
      ("compute", compute),
      ("window_buffer", windowBuffer),
      ("pool", pool),
      ("weight_buffer", ResourceModel.ram(width: engine.weightWordBits, depth: engine.weightDepth, on: family)),
      ("threshold_buffer", ResourceModel.ram(width: engine.thresholdWordBits, depth: engine.thresholdDepth, on: family)),
      ("memory_port", port),
      ("control", glue),
    ]
  }

  /// The engine's total resources on a part of `family`.
  public static func total(_ engine: EngineConfiguration, on family: DeviceFamily) -> Resources {
    estimate(engine, on: family).reduce(Resources()) { $0 + $1.resources }
  }
}
