import FinchCost

/// The engine's resources unit by unit, one unit per instance of
/// `finch_offload_engine.v` (the names `finch synth` reports its rows by)
/// plus `control`, the engine module's own logic (Docs/offload.md §7).
///
/// Memories go through FinchCost's RAM model (``ResourceModel/ram(width:depth:asyncRead:on:)``),
/// as the dataflow layers' do; a RAM that stays in LUTs also keeps its
/// registered read word in flip-flops. Logic is fitted to Yosys 0.23
/// (`synth_xilinx -family xc7`) on eight engines that span the parameters
/// (PE 4–32, SIMD 4–64, weights 1–4 bits, activations 1–4 bits, thresholds
/// 8–20 bits, ports 32–256 bits; `scripts/calibrate-engine-resources.sh`):
/// totals within 6% LUT and 2% FF on every one, units as listed. With
/// `AV = A + 1` the decoded input width, `WV = max(W, 2)` the decoded weight
/// width, `IW` a lane's term width (`AV` for 1-bit weights, else `AV + WV`)
/// and `NT = 2^A − 1` thresholds per channel:
/// - compute (the MAC array, combinational): 1-bit weights, per lane
///   `2·IW + 1` LUTs (the term select and its share of a width-growing adder
///   tree) plus one shared tree of the inputs, `SIMD·(2·AV + 2)`; wider
///   weights, per lane `2·IW + 9/4·WV·AV − 3` (a LUT multiplier), or a DSP
///   and `2·IW + 2` where Yosys maps the product to one (both operands at
///   least 2 bits, a product of at least 9); within 12% on all eight.
/// - out_stage: per PE, `NT` threshold comparators of `T + 3` LUTs, `2·A`
///   for the level, and the unthresholded `scale·acc + bias`: a DSP
///   (two above 17 bits, where the unsigned operand no longer fits 18), or
///   `T²` LUTs below 9 bits.
/// - pack: `3/5·BUF·FW + 4/5·IN²/WORD` LUTs (its shifter), where `IN = PE·max(T, A)`
///   the codes word, `BUF = WORD + IN` and `FW = ⌈log2(BUF + 1)⌉`
///   (within 21% on all eight, 1% on the largest); unpack
///   `5/8·WORD·FW + 2·SW` with `SW = SIMD·A` and `BUF = WORD + SW`
///   (within 34%; it is small).
/// - control: about 2,980 LUTs and 2,200 flip-flops of registers, counters,
///   the setup multiplier (4 DSPs) and call sequencing, plus the weight and
///   threshold shift registers, the accumulator and output pipeline; within 3%.
public enum EngineResources {
  /// One 24-bit restoring divider of the call setup (four per engine).
  static let divider = Resources(lut: 108, ff: 77)

  /// Resources of `engine` on a part of `family`, unit by unit, named as
  /// `finch synth` names the engine's rows.
  public static func estimate(_ engine: EngineConfiguration, on family: DeviceFamily) -> [(name: String, resources: Resources)] {
    let (p, q, a, t, word) = (engine.pe, engine.simd, engine.activationBits, engine.thresholdBits, engine.memoryWordBits)
    let (codes, window) = (p * max(t, a), q * a)
    let registeredRAM = { (width: Int, depth: Int) -> Resources in
      let ram = ResourceModel.ram(width: width, depth: depth, on: family)
      return ram.bram18 + ram.ebr > 0 ? ram : ram + Resources(ff: width)
    }
    let pipeline = engine.weightWordBits + engine.thresholdWordBits + 3 * p * t + codes + window + 2 * p * a
    let control = Resources(
      lut: 2_980 + engine.weightWordBits / 2 + engine.thresholdWordBits / 8 + 2 * p * t + 2 * word / 5,
      ff: 2_200 + pipeline - 12 * word / 5, dsp: 4)
    // iCE40's 4-input LUTs: the one engine synthesized there (PE 1, SIMD 8,
    // W1 A1 T12, 32-bit port) took 6,882 SB_LUT4 against 4,213 LUT6 estimated.
    let logic = { (r: Resources) -> Resources in
      var r = r
      if family == .ice40 { r.lut = divUp(8 * r.lut, 5) }
      return r
    }
    let divider = logic(divider)
    return [
      ("compute", logic(compute(engine))),
      ("out_stage", logic(outputStage(engine))),
      ("window_buffer", registeredRAM(window, engine.windowBufferDepth)),
      ("pool", registeredRAM(p * a, engine.poolBufferDepth)),
      ("weight_buffer", registeredRAM(engine.weightWordBits, engine.weightDepth)),
      ("threshold_buffer", registeredRAM(engine.thresholdWordBits, engine.thresholdDepth)),
      ("unpack", logic(unpacker(word: word, lane: window))),
      ("codes", ResourceModel.ram(width: codes, depth: 16, asyncRead: true, on: family) + logic(Resources(lut: 24, ff: 17))),
      ("pack", logic(packer(word: word, lane: codes))),
      ("div_cf", divider), ("div_groups", divider), ("div_pad", divider), ("div_out", divider),
      ("control", logic(control)),
    ]
  }

  /// The engine's total resources on a part of `family`.
  public static func total(_ engine: EngineConfiguration, on family: DeviceFamily) -> Resources {
    estimate(engine, on: family).reduce(Resources()) { $0 + $1.resources }
  }

  /// The MAC array (`finch_offload_mac`): PE balanced adder trees of SIMD terms.
  static func compute(_ engine: EngineConfiguration) -> Resources {
    let lanes = engine.pe * engine.simd, av = engine.activationBits + 1
    if engine.weightBits == 1 { return Resources(lut: lanes * (2 * av + 1) + engine.simd * (2 * av + 2)) }
    let wv = engine.weightBits, iw = av + wv
    if iw >= 9 { return Resources(lut: lanes * (2 * iw + 2), dsp: lanes) }
    return Resources(lut: lanes * (2 * iw - 3) + divUp(9 * lanes * wv * av, 4))
  }

  /// The output stage (`finch_offload_output`): threshold comparators per PE
  /// and the unthresholded `scale·acc + bias`.
  static func outputStage(_ engine: EngineConfiguration) -> Resources {
    let (p, t) = (engine.pe, engine.thresholdBits)
    let compare = Resources(lut: p * (engine.thresholdsPerChannel * (t + 3) + 2 * engine.activationBits))
    if t < 9 { return compare + Resources(lut: p * t * t) }
    return compare + Resources(dsp: p * (t <= 17 ? 1 : divUp(t, 17)))
  }

  /// `finch_offload_unpack`: memory words to SIMD input words of `lane`
  /// bits, through a buffer of `word + lane` bits and its shifter.
  static func unpacker(word: Int, lane: Int) -> Resources {
    let buffer = word + lane, fill = ceilLog2(buffer + 1)
    return Resources(lut: divUp(5 * word * fill, 8) + 2 * lane, ff: buffer + fill + 58)
  }

  /// `finch_offload_pack`: PE output codes of `lane` bits to memory words,
  /// through a buffer of `word + lane` bits, its shifter and the output word.
  static func packer(word: Int, lane: Int) -> Resources {
    let buffer = word + lane, fill = ceilLog2(buffer + 1)
    return Resources(lut: divUp(3 * buffer * fill, 5) + divUp(4 * lane * lane, 5 * word), ff: word + buffer + fill + 25)
  }
}
