import FinchCost

/// The engine's resources through FinchCost's models (Docs/offload.md §7),
/// as the dataflow layers are estimated:
/// - compute: an MVAU of `SIMD` columns and `PE` rows (one weight tile, so
///   its own ROMs are a single word) at the engine's lane widths, with
///   `2^A − 1` thresholds of `threshold_bits`; plus 3 LUTs per lane for the
///   XNOR path when the lanes are wider than one bit;
/// - the window buffer: a sliding window unit of `max_kernel` over a
///   `max_image_size` square of `max_channels` at SIMD;
/// - the pool: a streaming max-pool of `max_kernel` over the same square at PE;
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
    var swu = HardwareLayer(name: "engine_window", kind: .swu)
    swu.channels = engine.maxChannels
    swu.kernel = [engine.maxKernel, engine.maxKernel]
    swu.inputDims = [engine.maxImageSize, engine.maxImageSize]
    swu.inputBits = a
    var pool = HardwareLayer(name: "engine_pool", kind: .streamingMaxPool)
    pool.channels = roundUp(engine.maxChannels, p)
    pool.kernel = [engine.maxKernel, engine.maxKernel]
    pool.inputDims = [engine.maxImageSize, engine.maxImageSize]
    pool.inputBits = a
    let port = Resources(lut: engine.memoryWordBits, ff: 4 * engine.memoryWordBits)
    return [
      ("compute", compute),
      ("window_buffer", ResourceModel.resources(swu, LayerFolding(pe: 1, simd: q), on: family)),
      ("pool", ResourceModel.resources(pool, LayerFolding(pe: p, simd: 1), on: family)),
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
