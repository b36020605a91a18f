/// What the resource model counts for one module instance: the counts its
/// rules give exactly (DSP slices, block RAMs, and the flip-flops of iCE40
/// logic RAM), and the named terms whose fitted weighted sums are its LUTs and
/// flip-flops (``ResourceCoefficients``, fitted by ``ResourceFit``).
///
/// Terms are physical quantities of the module as its Verilog builds it:
/// lanes × bits of multipliers, adder trees and comparators, accumulator and
/// register bits, and the LUTs of memories that stay in logic (as
/// ``ResourceModel/rom(width:depth:on:)`` and ``ResourceModel/ram(width:depth:asyncRead:on:)``
/// count them). Every module has a `const` term.
public struct ResourceTerms: Sendable, Equatable {
  /// The module whose coefficients weigh the terms.
  public var module: CharacterizationPoint.Module
  /// Counted exactly by rule, not fitted.
  public var fixed = Resources()
  /// LUT and flip-flop terms by name.
  public var lut: [String: Double] = ["const": 1]
  public var ff: [String: Double] = ["const": 1]

  public init(_ module: CharacterizationPoint.Module) { self.module = module }

  /// Places a ROM the rules counted: block RAM counts are exact; in logic it
  /// adds its LUTs to the term `name`.
  mutating func memory(_ name: String, _ r: Resources) {
    if r.bram18 > 0 || r.ebr > 0 || r.uram > 0 {
      fixed = fixed + Resources(bram18: r.bram18, uram: r.uram, ebr: r.ebr)
      return
    }
    lut[name, default: 0] += Double(r.lut)
  }

  /// Places a `width × depth` RAM (``ResourceModel/ram(width:depth:asyncRead:on:)``
  /// decides block or logic). Block RAM counts are exact and its registered
  /// read adds `block_word` (`width`); distributed RAM adds `width` to
  /// `ram32` or `ram64` (RAM32M/RAM64M) or, deeper, `ram_cells` (64-word
  /// cells: RAM64M of 3 bits on xc7, RAM64M8 of 7 on xcup) and `ram_mux`
  /// (cells × width: the read mux);
  /// iCE40 logic RAM adds its flip-flops to the fixed counts and its LUTs to `ram`.
  /// `distributedOnXilinx`: a RAM Yosys never moved to block RAM on Xilinx in
  /// the characterization data (the MVAU's input buffer).
  mutating func ram(
    width: Int, depth: Int, asyncRead: Bool = false, blockCost: Int = 112, distributedOnXilinx: Bool = false, on family: DeviceFamily
  ) {
    let r = ResourceModel.ram(width: width, depth: depth, asyncRead: asyncRead, blockCost: blockCost, on: family)
    if r.bram18 > 0 && !distributedOnXilinx || r.ebr > 0 {
      fixed = fixed + Resources(bram18: r.bram18, ebr: r.ebr)
      lut["block_word", default: 0] += Double(width)
      ff["block_word", default: 0] += Double(width)
      return
    }
    guard family != .ice40 else {
      lut["ram", default: 0] += Double(r.lut)
      fixed.ff += r.ff
      return
    }
    switch depth {
    case ...32: lut["ram32", default: 0] += Double(width)
    case ...64: lut["ram64", default: 0] += Double(width)
    default:
      // Deeper: 64-word simple dual-port cells (RAM64M: 3 bits on xc7,
      // RAM64M8: 7 on xcup) and the read mux joining them per bit.
      lut["ram_cells", default: 0] += Double(ResourceModel.lutRAMCells(depth: depth, width: width, on: family))
      lut["ram_mux", default: 0] += Double(divUp(depth, 64) * width)
    }
  }
}

extension ResourceModel {
  /// The terms of `layer` at `folding` on a part of `family`.
  public static func terms(_ layer: HardwareLayer, _ folding: LayerFolding, on family: DeviceFamily) -> ResourceTerms {
    let p = max(folding.pe, 1), q = max(folding.simd, 1)
    switch layer.kind {
    case .mvau: return mvauTerms(layer, p, q, family)
    case .swu: return swuTerms(layer, q, family)
    case .thresholding: return thresholdingTerms(layer, p, family)
    case .streamingMaxPool: return maxPoolTerms(layer, p, family)
    case .labelSelect: return labelSelectTerms(layer, p)
    case .vvau: return vvauTerms(layer, p, family)
    case .addStreams, .streamingConcat, .globalAccPool: return streamSumTerms(layer, p, family)
    }
  }

  /// VVAU, until its module is characterized: an MVAU of `PE` lanes of one
  /// product each over `K·C/PE` weight words, plus the `C` accumulators it
  /// keeps while window positions stream in (a RAM of `C/PE` words of `PE`
  /// accumulators), weighed by the MVAU's coefficients.
  static func vvauTerms(_ l: HardwareLayer, _ p: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = mvauTerms(l, p, 1, family)
    t.ram(width: p * max(l.accumulatorRegisterBits, productBits(l)), depth: max(l.channels / p, 1), on: family)
    return t
  }

  /// AddStreams, StreamingConcat and GlobalAccPool, until their modules are characterized:
  /// `PE` adders of the output's width and an output register (a global pool
  /// also keeps `C/PE` words of partial sums), weighed as a max-pool's
  /// comparators and row buffer.
  static func streamSumTerms(_ l: HardwareLayer, _ p: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.maxpool)
    let word = p * l.outputBits
    t.lut["compare"] = Double(word)
    t.ff["word"] = Double(word)
    if l.kind == .globalAccPool {
      let depth = max(l.channels / p, 1)
      t.lut["address"] = Double(ceilLog2(depth))
      t.ff["address"] = Double(ceilLog2(depth))
      t.ram(width: word, depth: depth, on: family)
    }
    return t
  }

  /// MVAU (finch_mvau.v): `P` lanes of `Q` products each, their adder trees,
  /// accumulators and threshold comparators; weight ROM, threshold ROM, input
  /// buffer and output FIFO.
  static func mvauTerms(_ l: HardwareLayer, _ p: Int, _ q: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.mvau)
    let lanes = Double(p * q), pw = Double(productBits(l)), acc = Double(max(l.accumulatorRegisterBits, productBits(l)))
    let (a, w) = (Double(l.inputBits), Double(l.weightBits))
    let sf = max(l.mw / q, 1), nf = max(l.mh / p, 1), b = Double(l.thresholds)
    if l.xnor {
      t.lut["xnor_lanes"] = lanes
      t.ff["xnor_lanes"] = lanes
    } else if usesDSP(l, on: family) {
      t.fixed.dsp = p * q
      t.lut["dsp_tree"] = lanes * pw
      t.ff["dsp_tree"] = lanes * pw
    } else if l.inputType.bitWidth == 1 || l.weightType.bitWidth == 1 {
      // A 1-bit operand selects (binary) or negates (bipolar) the other: no
      // multiplier; negating a signed operand costs more.
      let bipolar = l.inputType == .bipolar || l.weightType == .bipolar
      t.lut[bipolar ? "negate" : "select"] = lanes * pw
      if bipolar, l.inputType.isSigned && l.inputType != .bipolar || l.weightType.isSigned && l.weightType != .bipolar {
        t.lut["negate_signed"] = lanes * pw
      }
      t.ff["lut_tree"] = lanes * pw
    } else {
      // LUT multipliers; signed by signed ones (Baugh-Wooley) cost more.
      let m = multiplier(l)
      t.lut[l.signedInput && l.weightType.isSigned ? "mul_signed" : "mul"] = lanes * Double(m.a * m.w)
      t.lut["lut_tree"] = lanes * pw
      t.ff["lut_tree"] = lanes * pw
    }
    t.ff["in_reg"] = Double(q) * a
    t.ff["w_reg"] = lanes * w
    t.lut["acc"] = Double(p) * acc
    t.ff["acc"] = Double(p) * acc
    if l.thresholds > 0 {
      let cmp = Double(max(l.accumulatorRegisterBits, l.thresholdBits) + 1)
      t.lut["compare"] = Double(p) * b * cmp
      t.ff["compare"] = Double(p) * b * Double(l.thresholdBits)
      t.memory("threshold_rom", rom(width: p * l.thresholds * l.thresholdBits, depth: nf, on: family))
    }
    t.lut["out"] = Double(p * l.outputBits)
    t.ff["out"] = Double(p * l.outputBits)
    t.lut["counters"] = Double(ceilLog2(sf * nf) + ceilLog2(sf) + ceilLog2(nf))
    t.memory("weight_rom", rom(width: p * q * l.weightBits, depth: sf * nf, on: family))
    t.ram(width: q * l.inputBits, depth: sf, distributedOnXilinx: true, on: family)
    let fifoDepth = StartupProfile.mvauOutputFIFODepth(sf: sf, simd: q, thresholds: l.thresholds)
    t.ram(width: p * l.outputBits, depth: fifoDepth, asyncRead: true, on: family)
    return t
  }

  /// Thresholding (finch_thresholding.v): one table of `PE × groups × 2^A`
  /// levels (groups: 1 when channels share thresholds), each lane reading its
  /// own slice through its own port, registered.
  ///
  /// Two lanes at most fit a true dual-port BRAM18, so on Xilinx the table
  /// goes to block RAM by the ROM rule only then (on iCE40 by the EBR rule).
  /// In logic each lane's slice is a function of `n = log2(groups) + A`
  /// inputs: an output bit fits one LUT up to the LUT's inputs (`table_small`);
  /// beyond, the cheaper of a ROM (`table_rom`: LUTs and read mux per output
  /// bit) and a compare chain against each group's thresholds (`table_compare`:
  /// groups × thresholds × A bits, about 4.5 bits per LUT6 and 3.5 per LUT4),
  /// as the level is monotone in the input. Shared tables need no group counter.
  static func thresholdingTerms(_ l: HardwareLayer, _ p: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.thresholding)
    let nf = max(l.channels / p, 1), groups = l.sharedThresholds ? 1 : nf, ob = l.outputBits
    t.ff["out"] = Double(p * ob)
    t.ff["group"] = Double(ceilLog2(nf))
    if !l.sharedThresholds { t.lut["group"] = Double(ceilLog2(nf)) }
    let slice = groups << l.inputBits
    let block = family == .ice40 ? rom(width: p * ob, depth: slice, on: family) : p <= 2 ? rom(width: ob, depth: p * slice, on: family) : Resources()
    if block.bram18 > 0 || block.ebr > 0 {
      t.memory("table", block)
      return t
    }
    let lutInputs = family == .ice40 ? 4 : 6, n = ceilLog2(groups) + l.inputBits
    guard n > lutInputs else {
      t.lut["table_small"] = Double(p * ob)
      return t
    }
    let table = Double(ob * functionLUTs(inputs: n, lutInputs: lutInputs))
    let compare = Double(groups * l.thresholds * l.inputBits) / (family == .ice40 ? 3.5 : 4.5)
    t.lut[table <= compare ? "table_rom" : "table_compare"] = Double(p) * min(table, compare)
    return t
  }

  /// LUTs of an arbitrary function of `inputs` inputs from LUTs of
  /// `lutInputs`: one per leaf, plus the read mux (Xilinx: MUXF7/MUXF8 join
  /// four leaves for free, a LUT6 muxes four more; iCE40: a LUT4 per 2:1 mux).
  static func functionLUTs(inputs: Int, lutInputs: Int) -> Int {
    guard inputs > lutInputs else { return 1 }
    let leaves = 1 << (inputs - lutInputs)
    if lutInputs == 4 { return 2 * leaves - 1 }
    return leaves + (inputs <= lutInputs + 2 ? 0 : divUp((1 << (inputs - lutInputs - 2)) - 1, 3))
  }

  /// SWU (finch_swu.v): a line buffer of `(span + stride)` input rows of
  /// `W·C/SIMD` words and the window address logic. Its flip-flops are the
  /// counters and address registers (`control`, ``swuControlBits(_:_:)``)
  /// and the read register `word`, which a block RAM line buffer holds
  /// itself; the 4-word output queue is LUT RAM on Xilinx.
  static func swuTerms(_ l: HardwareLayer, _ simd: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.swu)
    let word = simd * l.inputBits, depth = swuBufferDepth(l, simd)
    t.lut["word"] = Double(word)
    t.lut["address"] = Double(ceilLog2(depth))
    t.ff["control"] = Double(swuControlBits(l, simd))
    t.ram(width: word, depth: depth, blockCost: 160, on: family)
    if t.fixed.bram18 == 0 && t.fixed.ebr == 0 { t.ff["word"] = Double(word) }
    return t
  }

  /// Bits of finch_swu.v's counters and address registers, from its widths:
  /// three buffer addresses (`AW`), the write column, three row registers
  /// (`RW`), three column registers (`CW`) and the channel, kernel and output loop counters.
  static func swuControlBits(_ l: HardwareLayer, _ simd: Int) -> Int {
    func width(_ n: Int) -> Int { n > 1 ? ceilLog2(n) : 1 }
    let (h, w) = (l.unpaddedInputDims[0], l.unpaddedInputDims[1]), cf = max(l.channels / simd, 1)
    let span = l.windowSpan
    let r = span[0] + l.stride[0], row = w * cf, depth = swuBufferDepth(l, simd)
    let aw = width(depth)
    let rw = ceilLog2(2 * h + r + l.pads[0] + l.pads[2] + l.stride[0] + span[0] + 1) + 2
    let cw = max(ceilLog2((w + l.pads[1] + l.pads[3] + l.stride[1] + span[1]) * cf + 1) + 2, aw + 2)
    let loops = width(cf) + width(l.kernel[0]) + width(l.kernel[1]) + width(l.outputDims[0]) + width(l.outputDims[1])
    return 3 * aw + width(row) + 3 * rw + 3 * cw + loops
  }

  /// Words of the SWU's line buffer (finch_swu.v's `DEPTH`).
  static func swuBufferDepth(_ l: HardwareLayer, _ simd: Int) -> Int {
    (l.windowSpan[0] + l.stride[0]) * l.unpaddedInputDims[1] * max(l.channels / simd, 1)
  }

  /// Max-pool (finch_maxpool.v): `PE` comparators of `A` bits over a row of
  /// partial maxima (`OW·C/PE` words).
  static func maxPoolTerms(_ l: HardwareLayer, _ p: Int, _ family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.maxpool)
    let word = p * l.inputBits, depth = l.outputDims[1] * max(l.channels / p, 1)
    t.lut["compare"] = Double(word)
    t.ff["word"] = Double(word)
    t.lut["address"] = Double(ceilLog2(depth))
    t.ff["address"] = Double(ceilLog2(depth))
    t.ram(width: word, depth: depth, on: family)
    return t
  }

  /// Label select (finch_label_select.v): `K` kept (value, index) pairs,
  /// each compared against `PE` candidates.
  static func labelSelectTerms(_ l: HardwareLayer, _ p: Int) -> ResourceTerms {
    var t = ResourceTerms(.labelSelect)
    let pair = Double(l.inputBits + ceilLog2(max(l.channels, 2)))
    t.lut["compare"] = Double(p * l.k) * pair
    t.ff["kept"] = Double(l.k) * pair
    t.ff["in"] = Double(p * l.inputBits)
    return t
  }
}
