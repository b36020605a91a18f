import Foundation

/// FPGA resources: LUTs, flip-flops, DSP slices, 18 Kb block RAMs, UltraRAMs.
public struct Resources: Sendable, Codable, Equatable {
  public var lut = 0, ff = 0, dsp = 0, bram18 = 0, uram = 0
  public init(lut: Int = 0, ff: Int = 0, dsp: Int = 0, bram18: Int = 0, uram: Int = 0) {
    (self.lut, self.ff, self.dsp, self.bram18, self.uram) = (lut, ff, dsp, bram18, uram)
  }
  public static func + (a: Resources, b: Resources) -> Resources {
    Resources(lut: a.lut + b.lut, ff: a.ff + b.ff, dsp: a.dsp + b.dsp, bram18: a.bram18 + b.bram18, uram: a.uram + b.uram)
  }
}

/// Resources of each hardware layer at a folding, for LUT6 FPGA fabric (Xilinx 7-series and UltraScale+).
///
/// Calibrated against Yosys 0.23 (`synth_xilinx -family xc7`) synthesis of
/// Finch's own RTL (finch_mvau.v and friends), not FINN-R's HLS fit, which
/// overestimated our units about 2x. Fit data: 50 MVAU, 30 FIFO, 25 width
/// converter, 12 SWU, 4 max-pool and 10 thresholding instances from
/// tfc_w1a1 (2k/20k/50k/300k fps), tfc_w2a2 (2k/20k/50k/300k fps) and
/// cnv_w1a1_small (2k/20k fps) on xc7z020; mean absolute MVAU LUT error 10%.
///
/// MVAU (`P` = PE, `Q` = SIMD, `A`/`W` input/weight bits, `acc` accumulator
/// bits, `B` thresholds, `pw = A + W + 1` the product width, 1 for XNOR):
/// - LUTs `25 + P·Q·lane + 5/2·P·acc + 4·P·B·acc + ROMs + input buffer`, with
///   `lane` = 3 (XNOR popcount), `5/4·pw` (DSP product: the adder tree only) or
///   `7/4·pw` (LUT multiplier and adder tree).
/// - DSPs: one per lane when Yosys' mul2dsp takes the product (both operands
///   at least 2 bits and a product of at least 9 bits; xc7 and xcup alike).
/// - Weight ROM (`MW·MH/(P·Q)` × `P·Q·W`) and threshold ROM (`MH/P` × `P·B·acc`)
///   through ``rom(width:depth:)``; the input buffer (`MW/Q` × `Q·A`, a RAM)
///   through ``ram(width:depth:)``.
/// - FFs `40 + 2·Q·A + P·Q·(W + pw) + P·⌈Q/4⌉·(pw + 2) + 2·P·acc + P·B·acc + P·outBits`
///   (input and weight registers, product and tree pipeline, accumulators, threshold word).
/// Thresholding with shared thresholds collapses to a comparator per output
/// bit (`2 + 5/4·P·outBits` LUTs); per-channel tables are a ROM as above.
/// SWU: about 200 LUTs of address logic plus the line buffer as RAM.
public enum ResourceModel {
  /// Resources of `layer` at `folding`.
  public static func resources(_ layer: HardwareLayer, _ folding: LayerFolding) -> Resources {
    let p = max(folding.pe, 1), q = max(folding.simd, 1)
    switch layer.kind {
    case .mvau: return mvau(layer, p, q)
    case .swu: return swu(layer, q)
    case .thresholding: return thresholding(layer, p)
    case .streamingMaxPool:
      let width = p * layer.inputBits
      let depth = (layer.kernel[0] - 1) * layer.inputDims[1] * layer.channels / p + layer.channels / p
      let buffer = ram(width: width, depth: depth)
      return Resources(lut: 80 + 2 * p * layer.inputBits * layer.kernel[1] + buffer.lut, ff: 60 + 3 * width, bram18: buffer.bram18)
    case .labelSelect:
      let lane = layer.inputBits + bits(0, Double(layer.channels))
      return Resources(lut: 60 + p * layer.k * lane * 2, ff: 32 + layer.k * lane + p * layer.inputBits)
    }
  }

  /// Product width of one MVAU lane (1 for XNOR), as finch_mvau.v sizes it.
  static func productBits(_ l: HardwareLayer) -> Int {
    l.xnor ? 1 : l.inputBits + l.weightBits + (l.signedInput ? 0 : 1)
  }

  /// Whether Yosys maps the MVAU's multipliers to DSP slices (mul2dsp:
  /// operands of at least 2 bits, a product of at least 9).
  static func usesDSP(_ l: HardwareLayer) -> Bool {
    !l.xnor && l.inputBits >= 2 && l.weightBits >= 2 && productBits(l) >= 9
  }

  static func mvau(_ l: HardwareLayer, _ p: Int, _ q: Int) -> Resources {
    let w = l.weightBits, a = l.inputBits, pw = productBits(l), acc = max(l.accumulatorBits, pw)
    let dsp = usesDSP(l)
    let lanes = p * q
    let laneLUT = l.xnor ? 3 * lanes : dsp ? divUp(5 * lanes * pw, 4) : divUp(7 * lanes * pw, 4)
    let sf = max(l.mw / q, 1), nf = max(l.mh / p, 1)
    let weights = rom(width: lanes * w, depth: sf * nf)
    let thresholds = l.thresholds > 0 ? rom(width: p * l.thresholds * acc, depth: nf) : (lut: 0, bram18: 0)
    let buffer = ram(width: q * a, depth: sf)
    let lut = 25 + laneLUT + divUp(5 * p * acc, 2) + 4 * p * l.thresholds * acc
      + weights.lut + thresholds.lut + buffer.lut
    let ff = 40 + 2 * q * a + lanes * (w + pw) + p * divUp(q, 4) * (pw + 2) + 2 * p * acc
      + p * l.thresholds * acc + p * l.outputBits
    return Resources(lut: lut, ff: ff, dsp: dsp ? lanes : 0, bram18: weights.bram18 + thresholds.bram18 + buffer.bram18)
  }

  /// Thresholding: inputs of at most 10 bits index a table of precomputed
  /// levels. Shared thresholds make it a function of the input alone, which
  /// Yosys reduces to comparators (`2 + 5/4·P·outBits` LUTs); per-channel
  /// tables (`2^A` entries per channel group, `P·outBits` wide) are a ROM.
  /// Wider inputs are compared against the thresholds in parallel.
  static func thresholding(_ l: HardwareLayer, _ p: Int) -> Resources {
    let ff = 1 + p * l.outputBits
    let logic = 2 + divUp(5 * p * l.outputBits, 4)
    let distinct = l.sharedThresholds ? 1 : l.channels / p
    if l.inputBits <= 10 {
      if distinct <= 1 { return Resources(lut: logic, ff: ff) }
      let table = rom(width: p * l.outputBits, depth: distinct << l.inputBits)
      return Resources(lut: logic + table.lut, ff: ff, bram18: table.bram18)
    }
    let stored = rom(width: p * l.thresholds * l.inputBits, depth: distinct)
    return Resources(lut: logic + p * l.thresholds * divUp(l.inputBits, 2) + stored.lut, ff: ff, bram18: stored.bram18)
  }

  static func swu(_ l: HardwareLayer, _ simd: Int) -> Resources {
    let cf = l.channels / simd
    let depth = ((l.kernel[0] - 1) * l.dilation[0] * l.inputDims[1] + (l.kernel[1] - 1) * l.dilation[1] + 1) * cf
    let buffer = ram(width: simd * l.inputBits, depth: depth)
    return Resources(lut: 200 + buffer.lut, ff: 90 + simd * l.inputBits, bram18: buffer.bram18)
  }

  /// Yosys' BRAM cost weighed against logic (memory_libmap): a RAMB18 costs
  /// as much as this many LUTs.
  static let bramCostInLUTs = 129

  /// A read-only `width`×`depth` memory ($readmemh ROM, registered read).
  /// Yosys builds it from LUT logic (64 bits per LUT6) unless that costs more
  /// than the block RAMs would (129 LUTs per BRAM18), e.g. 4096×1 (64 LUTs) stays
  /// logic, 512×72 (576 LUTs, 2 BRAM18) becomes BRAM.
  static func rom(width: Int, depth: Int) -> (lut: Int, bram18: Int) {
    let depth = max(depth, 1), width = max(width, 1)
    let logic = divUp(width * depth, 64), brams = bram18Count(depth: depth, width: width)
    return logic > bramCostInLUTs * brams ? (0, brams) : (logic, 0)
  }

  /// A `width`×`depth` RAM (FIFO, input and line buffers): distributed RAM
  /// (RAM32M: 2/3 LUT per bit up to 32 deep; RAM64M: 4/3 up to 64; deeper,
  /// about 5 LUTs per bit per 128 words with the read mux), or BRAM18 where
  /// that is cheaper by Yosys' cost (129 LUTs per BRAM18).
  static func ram(width: Int, depth: Int) -> (lut: Int, bram18: Int) {
    let depth = max(depth, 1), width = max(width, 1)
    let lutram: Int
    switch depth {
    case ...32: lutram = divUp(2 * width, 3)
    case ...64: lutram = divUp(4 * width, 3)
    default: lutram = divUp(5 * width * (1 << bits(0, Double(depth - 1))), 128)
    }
    let brams = bram18Count(depth: depth, width: width)
    return lutram > bramCostInLUTs * brams ? (0, brams) : (lutram, 0)
  }

  /// BRAM18 count of a `width`×`depth` memory as Yosys packs it. Up to 2048
  /// words, by the aspect ratio of the depth rounded up to a power of two
  /// (512×36, 1K×18, 2K×9 per BRAM18, parity bits used; RAMB36 counts 2);
  /// deeper, by bits at 18 Kib per BRAM18 (Yosys mixes aspect ratios and
  /// leaves narrow remainders in logic). Exact on all 16 weight, input-buffer
  /// and FIFO memories that went to BRAM in the fit data (e.g. 3584×14: 3,
  /// 1792×56: 7, 256×392: 11, 25088×2: 3).
  static func bram18Count(depth: Int, width: Int) -> Int {
    if depth <= 2048 { return divUp(width * (1 << max(bits(0, Double(depth - 1)), 9)), 18_432) }
    return divUp(depth * width, 18_432)
  }
}

func divUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
