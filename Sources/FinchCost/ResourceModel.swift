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
/// MVAU LUTs follow FINN-R's published model (Blott et al., TRETS 2018),
/// with `P` = PE, `Q` = SIMD, `W`/`A` weight/input bits:
/// `300 + 1.1·P·(mult + adder + acc + thr + cmp) + weightLUTRAM`, where
/// `mult = Q·(2·⌈(W+A)/6⌉-1)·(W+A)` (LUT multipliers; 0 when they map to DSPs),
/// `adder = (W+A)·(2Q-1)`, `acc` = accumulator bits, `cmp = B·acc` comparators and
/// `thr = B·acc·⌈TMEM/64⌉` threshold LUTRAM (B thresholds, TMEM = MH/P entries).
/// Weights live in LUTRAM (`P·Q·W·⌈WMEM/64⌉` LUTs) when the memory is shallow
/// (WMEM = MW·MH/(P·Q) ≤ 128), else in BRAM18 by FINN-R's width/depth table.
/// Multipliers map to DSPs (one per lane) when both operands exceed 4 bits.
/// Thresholding uses a ROM of levels for narrow inputs (see ``thresholding(_:_:)``).
/// Flip-flops count the registers the units hold: accumulators and outputs
/// per PE, the input and output stream registers, and a small control overhead.
/// The cost model is recalibrated against Yosys synthesis of Finch's own RTL.
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
      let buffer = memory(width: width, depth: depth)
      return Resources(lut: 60 + p * layer.inputBits * layer.kernel[1] + buffer.lut, ff: 32 + 3 * width, bram18: buffer.bram18)
    case .labelSelect:
      let lane = layer.inputBits + bits(0, Double(layer.channels))
      return Resources(lut: 60 + p * layer.k * lane * 2, ff: 32 + layer.k * lane + p * layer.inputBits)
    }
  }

  static func mvau(_ l: HardwareLayer, _ p: Int, _ q: Int) -> Resources {
    let w = l.weightBits, a = l.inputBits, wa = l.xnor ? 2 : w + a
    let dspMultipliers = !l.xnor && w > 4 && a > 4
    let mult = dspMultipliers ? 0 : q * (2 * divUp(wa, 6) - 1) * wa
    let adder = wa * (2 * q - 1)
    let signedA = l.signedInput ? 1.0 : 0.0
    let alpha = log2(Double(max(l.mw, 1))) + Double(w + a) - 1 - signedA
    let acc = min(l.accumulatorBits, Int((alpha + log2(1 + pow(2, -alpha)) + 1).rounded(.up)))
    let tmem = l.mh / p
    let thr = l.thresholds * acc * divUp(tmem, 64)
    let cmp = l.thresholds * acc
    var lut = 300 + Int((1.1 * Double(p * (mult + adder + acc + thr + cmp))).rounded(.up))
    var bram = 0
    let wmem = l.mw * l.mh / (p * q), width = p * q * w
    if wmem <= 128 {
      lut += p * q * w * divUp(wmem, 64)
    } else {
      bram = bram18Count(depth: wmem, width: width)
    }
    let ff = 64 + p * (l.accumulatorBits + l.outputBits) + 2 * (q * a + p * l.outputBits)
    return Resources(lut: lut, ff: ff, dsp: dspMultipliers ? p * q : 0, bram18: bram)
  }

  /// Thresholding: inputs of at most 10 bits index a ROM of precomputed
  /// levels (`2^A` entries per distinct channel, `P·outBits` wide), wider inputs
  /// are compared against the thresholds in parallel (`B·⌈A/2⌉` LUTs per lane
  /// plus their memory).
  static func thresholding(_ l: HardwareLayer, _ p: Int) -> Resources {
    let ff = 32 + p * (l.inputBits + l.outputBits) * 2
    let distinct = l.sharedThresholds ? 1 : l.channels / p
    if l.inputBits <= 10 {
      let rom = memory(width: p * l.outputBits, depth: distinct << l.inputBits)
      return Resources(lut: 40 + rom.lut, ff: ff, bram18: rom.bram18)
    }
    let stored = memory(width: p * l.thresholds * l.inputBits, depth: distinct)
    return Resources(lut: 40 + p * l.thresholds * divUp(l.inputBits, 2) + stored.lut, ff: ff, bram18: stored.bram18)
  }

  static func swu(_ l: HardwareLayer, _ simd: Int) -> Resources {
    let cf = l.channels / simd
    let depth = ((l.kernel[0] - 1) * l.dilation[0] * l.inputDims[1] + (l.kernel[1] - 1) * l.dilation[1] + 1) * cf
    let buffer = memory(width: simd * l.inputBits, depth: depth)
    return Resources(lut: 300 + buffer.lut, ff: 96 + 2 * simd * l.inputBits, bram18: buffer.bram18)
  }

  /// A `width`×`depth` memory: LUTRAM (64 deep per LUT) up to 16 Kib or 64 words, BRAM18 beyond.
  static func memory(width: Int, depth: Int) -> (lut: Int, bram18: Int) {
    let depth = max(depth, 1)
    if depth <= 64 || width * depth <= 16_384 { return (width * divUp(depth, 64), 0) }
    return (0, bram18Count(depth: depth, width: width))
  }

  /// BRAM18 count of a `width`×`depth` memory (FINN-R's table of BRAM18 aspect ratios).
  static func bram18Count(depth: Int, width: Int) -> Int {
    switch width {
    case ...1: return divUp(depth, 16384)
    case 2: return divUp(depth, 8192)
    case 3...4: return divUp(depth, 4096) * divUp(width, 4)
    case 5...9: return divUp(depth, 2048) * divUp(width, 9)
    case 10...18: return divUp(depth, 1024) * divUp(width, 18)
    default: return depth > 512 ? divUp(depth, 1024) * divUp(width, 18) : divUp(depth, 512) * divUp(width, 36)
    }
  }
}

func divUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
