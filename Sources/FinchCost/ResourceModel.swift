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

/// Resources of each hardware layer at a folding, on each device family.
///
/// Each module's counts are its ``ResourceTerms`` (physical quantities of the
/// Verilog: lanes × bits, register bits, the LUTs of memories in logic)
/// weighed by coefficients fitted by least squares to Yosys synthesis of the
/// module standalone over a designed grid (`finch characterize`, the datasets
/// in `Data/characterization/`), plus the counts rules give exactly: DSP
/// slices (one per lane where Yosys' mul2dsp takes the product), block RAMs
/// (``bram18Count(depth:width:)``, ``ebrCount(depth:width:)``, placed where
/// Yosys' memory_libmap finds them cheaper than logic). Docs/cost-model.md
/// gives the fit and its error on points the fit never saw.
public enum ResourceModel {
  /// Resources of `layer` at `folding` on a part of `family`.
  public static func resources(_ layer: HardwareLayer, _ folding: LayerFolding, on family: DeviceFamily) -> Resources {
    if let (windows, reduce) = layer.windowedPoolParts {
      return resources(windows, HardwareLayer.windowFolding(folding), on: family) + resources(reduce, folding, on: family)
    }
    return ResourceCoefficients.bundled.resources(terms(layer, folding, on: family), on: family)
  }

  /// The widths of one MVAU lane's multiplier operands and product, as
  /// finch_mvau.v sizes them (`A_X`, `W_X`, `P_W`): where any operand is
  /// signed or bipolar, unsigned operands gain a bit and bipolar ones take two;
  /// XNOR lanes have a 1-bit product.
  static func multiplier(_ l: HardwareLayer) -> (a: Int, w: Int, product: Int) {
    guard !l.xnor else { return (1, 1, 1) }
    let aBipolar = l.inputType == .bipolar, wBipolar = l.weightType == .bipolar
    let aSigned = l.inputType.isSigned && !aBipolar, wSigned = l.weightType.isSigned && !wBipolar
    guard aSigned || wSigned || aBipolar || wBipolar else { return (l.inputBits, l.weightBits, l.inputBits + l.weightBits) }
    let ax = aBipolar ? 2 : aSigned ? l.inputBits : l.inputBits + 1
    let wx = wBipolar ? 2 : wSigned ? l.weightBits : l.weightBits + 1
    return (ax, wx, ax + wx)
  }

  /// Product width of one MVAU lane (1 for XNOR).
  static func productBits(_ l: HardwareLayer) -> Int { multiplier(l).product }

  /// Whether Yosys maps the MVAU's multipliers to DSP slices (mul2dsp:
  /// operands of at least 2 bits, a product of at least 9 bits on xc7 and
  /// xcup, 11 on iCE40's SB_MAC16, as synth_xilinx and synth_ice40 set
  /// `DSP_Y_MINWIDTH`). A 1-bit operand (binary or bipolar) never does:
  /// finch_mvau.v selects or negates the other operand instead of multiplying.
  static func usesDSP(_ l: HardwareLayer, on family: DeviceFamily) -> Bool {
    let m = multiplier(l)
    let minimumProduct = family == .ice40 ? 11 : 9
    return !l.xnor && l.inputType.bitWidth > 1 && l.weightType.bitWidth > 1 && m.a >= 2 && m.w >= 2 && m.product >= minimumProduct
  }
}

func divUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
