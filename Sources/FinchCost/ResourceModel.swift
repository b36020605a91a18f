import Foundation

/// FPGA resources: LUTs, flip-flops, DSP slices, 18 Kb block RAMs, UltraRAMs
/// and iCE40 4 Kb embedded block RAMs (EBRs).
public struct Resources: Sendable, Codable, Equatable {
  public var lut = 0, ff = 0, dsp = 0, bram18 = 0, uram = 0, ebr = 0
  public init(lut: Int = 0, ff: Int = 0, dsp: Int = 0, bram18: Int = 0, uram: Int = 0, ebr: Int = 0) {
    (self.lut, self.ff, self.dsp, self.bram18, self.uram, self.ebr) = (lut, ff, dsp, bram18, uram, ebr)
  }
  public static func + (a: Resources, b: Resources) -> Resources {
    Resources(
      lut: a.lut + b.lut, ff: a.ff + b.ff, dsp: a.dsp + b.dsp, bram18: a.bram18 + b.bram18, uram: a.uram + b.uram, ebr: a.ebr + b.ebr)
  }

  /// Whether every count is at most `fraction` of `capacity`'s.
  public func fits(_ capacity: Resources, fraction: Double = 1) -> Bool {
    func ok(_ used: Int, _ total: Int) -> Bool { Double(used) <= fraction * Double(total) }
    return ok(lut, capacity.lut) && ok(ff, capacity.ff) && ok(dsp, capacity.dsp) && ok(bram18, capacity.bram18)
      && ok(uram, capacity.uram) && ok(ebr, capacity.ebr)
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
///   through ``rom(width:depth:on:)``; the input buffer (`MW/Q` × `Q·A`, a RAM)
///   through ``ram(width:depth:asyncRead:on:)``.
/// - FFs `40 + 2·Q·A + P·Q·(W + pw) + P·⌈Q/4⌉·(pw + 2) + 2·P·acc + P·B·acc + P·outBits`
///   (input and weight registers, product and tree pipeline, accumulators, threshold word).
/// Thresholding with shared thresholds collapses to a comparator per output
/// bit (`2 + 5/4·P·outBits` LUTs); per-channel tables are a ROM as above.
/// SWU: about 200 LUTs of address logic plus the line buffer as RAM.
public enum ResourceModel {
  /// Resources of `layer` at `folding` on a part of `family`.
  public static func resources(_ layer: HardwareLayer, _ folding: LayerFolding, on family: DeviceFamily) -> Resources {
    let p = max(folding.pe, 1), q = max(folding.simd, 1)
    switch layer.kind {
    case .mvau: return mvau(layer, p, q, family)
    case .swu: return swu(layer, q, family)
    case .thresholding: return thresholding(layer, p, family)
    case .streamingMaxPool:
      let width = p * layer.inputBits
      let depth = (layer.kernel[0] - 1) * layer.inputDims[1] * layer.channels / p + layer.channels / p
      let buffer = ram(width: width, depth: depth, on: family)
      return Resources(lut: 80 + 2 * p * layer.inputBits * layer.kernel[1], ff: 60 + 3 * width) + buffer
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

  static func mvau(_ l: HardwareLayer, _ p: Int, _ q: Int, _ family: DeviceFamily) -> Resources {
    let w = l.weightBits, a = l.inputBits, pw = productBits(l), acc = max(l.accumulatorBits, pw)
    let dsp = usesDSP(l)
    let lanes = p * q
    let laneLUT = l.xnor ? 3 * lanes : dsp ? divUp(5 * lanes * pw, 4) : divUp(7 * lanes * pw, 4)
    let sf = max(l.mw / q, 1), nf = max(l.mh / p, 1)
    let weights = rom(width: lanes * w, depth: sf * nf, on: family)
    let thresholds = l.thresholds > 0 ? rom(width: p * l.thresholds * acc, depth: nf, on: family) : Resources()
    let buffer = ram(width: q * a, depth: sf, on: family)
    let lut = 25 + laneLUT + divUp(5 * p * acc, 2) + 4 * p * l.thresholds * acc
    let ff = 40 + 2 * q * a + lanes * (w + pw) + p * divUp(q, 4) * (pw + 2) + 2 * p * acc
      + p * l.thresholds * acc + p * l.outputBits
    return Resources(lut: lut, ff: ff, dsp: dsp ? lanes : 0) + weights + thresholds + buffer
  }

  /// Thresholding: inputs of at most 10 bits index a table of precomputed
  /// levels. Shared thresholds make it a function of the input alone, which
  /// Yosys reduces to comparators (`2 + 5/4·P·outBits` LUTs); per-channel
  /// tables (`2^A` entries per channel group, `P·outBits` wide) are a ROM.
  /// Wider inputs are compared against the thresholds in parallel.
  static func thresholding(_ l: HardwareLayer, _ p: Int, _ family: DeviceFamily) -> Resources {
    let ff = 1 + p * l.outputBits
    let compare = 2 + divUp(5 * p * l.outputBits, 4)
    let distinct = l.sharedThresholds ? 1 : l.channels / p
    if l.inputBits <= 10 {
      if distinct <= 1 { return Resources(lut: compare, ff: ff) }
      return Resources(lut: compare, ff: ff) + rom(width: p * l.outputBits, depth: distinct << l.inputBits, on: family)
    }
    let stored = rom(width: p * l.thresholds * l.inputBits, depth: distinct, on: family)
    return Resources(lut: compare + p * l.thresholds * divUp(l.inputBits, 2), ff: ff) + stored
  }

  static func swu(_ l: HardwareLayer, _ simd: Int, _ family: DeviceFamily) -> Resources {
    let cf = l.channels / simd
    let depth = ((l.kernel[0] - 1) * l.dilation[0] * l.inputDims[1] + (l.kernel[1] - 1) * l.dilation[1] + 1) * cf
    return Resources(lut: 200, ff: 90 + simd * l.inputBits) + ram(width: simd * l.inputBits, depth: depth, on: family)
  }
}

func divUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
