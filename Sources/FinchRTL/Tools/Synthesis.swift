import FinchCost
import Foundation

/// Resources counted in a Yosys netlist, in the resource model's units.
public struct SynthesizedResources: Codable, Sendable, Equatable {
  public var lut = 0, ff = 0, carry = 0, dsp = 0, bram18 = 0, uram = 0
  /// iCE40 4 Kb embedded block RAMs (0 on Xilinx).
  public var ebr = 0

  /// The counts as the cost model's ``Resources`` (carry chains have no counterpart there).
  public var resources: Resources { Resources(lut: lut, ff: ff, dsp: dsp, bram18: bram18, uram: uram, ebr: ebr) }

  public static func + (a: Self, b: Self) -> Self {
    Self(lut: a.lut + b.lut, ff: a.ff + b.ff, carry: a.carry + b.carry, dsp: a.dsp + b.dsp, bram18: a.bram18 + b.bram18,
         uram: a.uram + b.uram, ebr: a.ebr + b.ebr)
  }

  /// Adds `count` cells of Yosys cell type `type` (Xilinx and iCE40 primitives;
  /// LUTRAM cells count as the LUTs they occupy, a RAMB36 as two BRAM18).
  mutating func add(_ type: String, _ count: Int) {
    let t = type.hasPrefix("\\") ? String(type.dropFirst()) : type
    switch t {
    case "LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "SB_LUT4": lut += count
    case "RAM32X1D", "RAM64X1D", "RAM32X1S", "RAM64X1S": lut += 2 * count
    case "RAM128X1D", "RAM32M", "RAM64M": lut += 4 * count
    case "RAM32M16", "RAM64M8": lut += 8 * count
    case "CARRY4", "CARRY8", "SB_CARRY": carry += count
    case "DSP48E1", "DSP48E2", "SB_MAC16": dsp += count
    case "RAMB18E1", "RAMB18E2": bram18 += count
    case "RAMB36E1", "RAMB36E2": bram18 += 2 * count
    case "URAM288": uram += count
    case "SB_RAM40_4K": ebr += count
    default:
      if t.hasPrefix("FD") || t.hasPrefix("SB_DFF") { ff += count }
    }
  }
}

/// What `finch synth` found: totals, per layer, against the estimate.
public struct SynthesisReport: Codable, Sendable {
  public struct Layer: Codable, Sendable {
    public var name: String
    public var module: String
    public var synthesized: SynthesizedResources
    public var estimate: Resources?
  }
  public var part: String
  public var tool: String
  public var totals: SynthesizedResources
  public var layers: [Layer]
  public var estimate: Resources?
  /// (estimate - synthesized) / synthesized, in %, per resource with a non-zero synthesized count.
  public var errorPct: [String: Double]
  /// Place-and-route Fmax (iCE40 only).
  public var fmaxMHz: Double?
  /// The bitstream file (iCE40 only).
  public var bitstream: String?
  public var seconds: Double

  enum CodingKeys: String, CodingKey {
    case part, tool, totals, layers, estimate, bitstream, seconds
    case errorPct = "error_pct"
    case fmaxMHz = "fmax_mhz"
  }
}

/// Drives Yosys (and nextpnr-ice40 + icepack for iCE40 parts) on a design folder.
public enum Synthesizer {
  /// Synthesizes the design whose sources are in `directory` for `part`, running there.
  /// `names` maps instance names to the element names reports use (the
  /// manifest's); `estimates` gives the cost model's per-element figures by those names.
  /// The rows are the instances in `finch_top`, or in the module `rows` names
  /// (its own cells then one more row, `control`). `pnrWrapper` is the iCE40
  /// few-pin wrapper `finch_pnr_top` (nil: ``pinWrapper(inputWidth:outputWidth:)``
  /// for a dataflow design's streams). `placeAndRoute` false stops an iCE40
  /// run after synthesis (of `finch_top` itself, no wrapper).
  public static func run(
    directory: URL, sources: [String], part: Part, inputWidth: Int, outputWidth: Int, names: [String: String],
    estimates: [String: Resources], estimateTotals: Resources?, rows: String? = nil, pnrWrapper: String? = nil,
    placeAndRoute: Bool = true
  ) throws(RTLError) -> SynthesisReport {
    try Command.require("yosys", package: "yosys")
    let start = Date()
    var script = "read_verilog -defer \(sources.joined(separator: " "))\n"
    let tool: String
    var top = "finch_top"
    switch part.family {
    case .xc7:
      tool = "yosys synth_xilinx -family xc7"
      script += "synth_xilinx -family xc7 -top finch_top\n"
    case .xcup:
      tool = "yosys synth_xilinx -family xcup -abc9"
      script += "synth_xilinx -family xcup -abc9 -top finch_top\n"
    case .ice40 where !placeAndRoute:
      tool = "yosys synth_ice40 -dsp"
      script += "synth_ice40 -dsp -noflatten -top finch_top\n"
    case .ice40:
      top = "finch_pnr_top"
      try Data((pnrWrapper ?? pinWrapper(inputWidth: inputWidth, outputWidth: outputWidth)).utf8).writeOrThrow(to: directory.appendingPathComponent("finch_pnr_top.v"))
      script = "read_verilog -defer \((sources + ["finch_pnr_top.v"]).joined(separator: " "))\n"
      tool = "yosys synth_ice40 -dsp + nextpnr-ice40 + icepack"
      script += "synth_ice40 -dsp -noflatten -top finch_pnr_top\n"
    }
    script += "tee -q -o stat.json stat -json\nwrite_json netlist.json\n"
    if top == "finch_pnr_top" { script += "flatten\nwrite_json pnr.json\n" }
    try Data(script.utf8).writeOrThrow(to: directory.appendingPathComponent("synth.ys"))
    try Command.check("yosys", ["-q", "-l", "yosys.log", "-s", "synth.ys"], in: directory)
    let (totals, perInstance) = try count(directory, top: top, rows: rows)
    var fmax: Double?, bitstream: String?
    if top == "finch_pnr_top" {
      try Command.require("nextpnr-ice40", package: "nextpnr-ice40")
      try Command.require("icepack", package: "fpga-icestorm")
      let device = part.name.lowercased().contains("hx8k") ? ["--hx8k", "--package", "ct256"] : ["--up5k", "--package", "sg48"]
      try Command.check(
        "nextpnr-ice40", device + ["--json", "pnr.json", "--pcf-allow-unconstrained", "--freq", "\(Int(part.clockMHz))", "--timing-allow-fail",
                                   "--report", "pnr-report.json", "--asc", "finch.asc", "-q", "-l", "nextpnr.log"], in: directory)
      try Command.check("icepack", ["finch.asc", "finch.bin"], in: directory)
      fmax = fmaxFromReport(directory.appendingPathComponent("pnr-report.json"))
      bitstream = "finch.bin"
    }
    var error: [String: Double] = [:]
    if let e = estimateTotals {
      let memory = part.family == .ice40 ? ("ebr", e.ebr, totals.ebr) : ("bram18", e.bram18, totals.bram18)
      for (key, est, synth) in [("lut", e.lut, totals.lut), ("ff", e.ff, totals.ff), ("dsp", e.dsp, totals.dsp), memory] where synth > 0 {
        error[key] = 100 * Double(est - synth) / Double(synth)
      }
    }
    return SynthesisReport(
      part: part.name, tool: tool, totals: totals,
      layers: perInstance.map { i in
        let name = names[i.name] ?? i.name
        return SynthesisReport.Layer(name: name, module: i.module, synthesized: i.counts, estimate: estimates[name])
      },
      estimate: estimateTotals, errorPct: error, fmaxMHz: fmax, bitstream: bitstream, seconds: Date().timeIntervalSince(start))
  }

  /// Wraps `finch_top` so it fits a small package's pins: a serial input shift
  /// register and an XOR-reduced output keep every bit of the design alive.
  static func pinWrapper(inputWidth: Int, outputWidth: Int) -> String {
    """
    // Generated by Finch: few-pin wrapper for place and route.
    module finch_pnr_top (
      input wire clk, input wire rst_n, input wire din, input wire din_valid, output wire in_ready,
      output wire dout, output wire out_valid, input wire out_ready
    );
      reg [\(inputWidth - 1):0] shift;
      wire [\(inputWidth):0] shifted = {shift, din};
      always @(posedge clk) if (din_valid) shift <= shifted[\(inputWidth - 1):0];
      wire [\(inputWidth - 1):0] unused_top = shifted[\(inputWidth):1];
      wire [\(outputWidth - 1):0] result;
      finch_top dut (.clk(clk), .rst_n(rst_n), .s_tdata(shift), .s_tvalid(din_valid), .s_tready(in_ready),
                     .m_tdata(result), .m_tvalid(out_valid), .m_tready(out_ready));
      assign dout = ^result;
    endmodule

    """
  }

  /// Totals and per-instance counts of `top` from Yosys' JSON netlist: the
  /// instances of the design's top, or of the module `rows` names (Yosys may
  /// have renamed it `$paramod...\\rows`) plus a `control` row for its own cells.
  static func count(_ directory: URL, top: String, rows: String? = nil) throws(RTLError) -> (SynthesizedResources, [(name: String, module: String, counts: SynthesizedResources)]) {
    guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("netlist.json").path),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let modules = json["modules"] as? [String: Any]
    else { throw .toolFailed(tool: "yosys", status: 0, log: "no readable netlist.json") }
    var cache: [String: SynthesizedResources] = [:]
    func cells(_ module: String) -> [String: [String: Any]] {
      ((modules[module] as? [String: Any])?["cells"] as? [String: [String: Any]]) ?? [:]
    }
    /// Modules Finch wrote (not the primitive cell libraries, which are black boxes).
    func isDesignModule(_ type: String) -> Bool {
      guard let m = modules[type] as? [String: Any] else { return false }
      return (m["attributes"] as? [String: Any])?["blackbox"] == nil
    }
    func total(_ module: String) -> SynthesizedResources {
      if let c = cache[module] { return c }
      var r = SynthesizedResources()
      for (_, cell) in cells(module) {
        guard let type = cell["type"] as? String else { continue }
        if isDesignModule(type) { r = r + total(type) } else { r.add(type, 1) }
      }
      cache[module] = r
      return r
    }
    var design = top == "finch_pnr_top" ? cells(top).values.compactMap { $0["type"] as? String }.first(where: isDesignModule) ?? top : top
    if let rows {
      guard let module = modules.keys.sorted().first(where: { $0 == rows || $0.hasSuffix("\\" + rows) }) else {
        throw .toolFailed(tool: "yosys", status: 0, log: "the netlist has no module \(rows)")
      }
      design = module
    }
    var instances = cells(design).compactMap { name, cell -> (String, String, SynthesizedResources)? in
      guard let type = cell["type"] as? String, isDesignModule(type) else { return nil }
      let module = type.split(separator: "\\").last.map(String.init) ?? type
      return (name, module, total(type))
    }.sorted { $0.0 < $1.0 }
    if let rows {
      var own = SynthesizedResources()
      for (_, cell) in cells(design) { if let type = cell["type"] as? String, !isDesignModule(type) { own.add(type, 1) } }
      instances.append(("control", rows, own))
    }
    return (total(top), instances)
  }

  static func fmaxFromReport(_ url: URL) -> Double? {
    guard let data = FileManager.default.contents(atPath: url.path),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let fmax = json["fmax"] as? [String: [String: Any]]
    else { return nil }
    return fmax.values.compactMap { $0["achieved"] as? Double }.min()
  }
}
