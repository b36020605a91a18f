import FinchIR
import Foundation

// The roofline of FINN-R (Blott et al., TRETS 2018, figure 21.2 of the FINN-R chapter):
// for one device, a compute ceiling per operand precision and a memory slope set by
// the off-chip bandwidth, with each network placed at its arithmetic intensity.
//
// Peak performance comes from what one multiply-accumulate (MAC) costs in the fabric
// (``MACPrecision/lutCost(on:)``, ``MACPrecision/dspCost(on:)``): the part is filled
// with as many MAC units as its LUTs and DSPs hold, each doing 2 ops (multiply, add)
// per clock. The costs are ideal packings, as a roof should be; Finch's own
// Yosys-synthesized MVAUs use about 2.5× the binary cost and 2× the 4-bit cost
// (shared/research/fpga-tools.md §4a, §5), so real designs sit below these roofs.

/// The operand precision of one multiply-accumulate: integer widths, or half-precision float.
///
/// Encoded as its label: `"1/1"` (weight bits / input bits) or `"float16"`.
public struct MACPrecision: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Weight bits (integer precisions); 16 for ``float16``.
  public var weightBits: Int
  /// Input (activation) bits (integer precisions); 16 for ``float16``.
  public var inputBits: Int
  /// Whether both operands are IEEE half-precision floats.
  public var isFloat: Bool

  /// Integer (or bipolar/binary, at 1 bit) operands of the given widths.
  public static func integer(weightBits: Int, inputBits: Int) -> MACPrecision {
    MACPrecision(weightBits: max(1, weightBits), inputBits: max(1, inputBits), isFloat: false)
  }

  /// IEEE half-precision operands.
  public static let float16 = MACPrecision(weightBits: 16, inputBits: 16, isFloat: true)

  /// The precisions of the FINN-R roofline: 1/1 (XNOR-popcount), 2/2, 4/4, 8/8, 16/16 and float16.
  public static let standard: [MACPrecision] =
    [1, 2, 4, 8, 16].map { integer(weightBits: $0, inputBits: $0) } + [float16]

  /// `"W/A"` or `"float16"`.
  public var description: String { isFloat ? "float16" : "\(weightBits)/\(inputBits)" }

  /// Parses a label written by ``description``.
  public init?(_ label: String) {
    if label == "float16" {
      self = .float16
      return
    }
    let parts = label.split(separator: "/")
    guard parts.count == 2, let w = Int(parts[0]), let a = Int(parts[1]), (1...64).contains(w), (1...64).contains(a)
    else { return nil }
    self = .integer(weightBits: w, inputBits: a)
  }

  private init(weightBits: Int, inputBits: Int, isFloat: Bool) {
    self.weightBits = weightBits
    self.inputBits = inputBits
    self.isFloat = isFloat
  }

  public init(from decoder: any Decoder) throws {
    let label = try decoder.singleValueContainer().decode(String.self)
    guard let p = MACPrecision(label) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad precision '\(label)'"))
    }
    self = p
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  /// LUTs of a half-precision accumulate and of the multiply's exponent and
  /// normalisation logic: alignment shifter, leading-zero count, normalising shift and
  /// rounding, about 200 LUT6 in vendor floating-point cores (recalled, approximate).
  public static let float16AddLUTs = 200.0

  /// What one MAC of this precision costs on `part` built from LUTs alone.
  ///
  /// - **1/1, XNOR-popcount**: 1 LUT6 (2 LUT4). The XNOR of a lane folds into the first
  ///   level of the popcount's compressor tree, and compressor trees sum N bits in about
  ///   N LUT6; a LUT4 takes 2 lanes per first-level LUT instead of 3, about twice the cost.
  /// - **Integer, W/A bits**: `W·A + (W + A)` LUTs: one LUT per partial-product bit of the
  ///   `W × A` array multiplier (AND and full adder in one LUT on the carry chain), plus
  ///   the product's share of the adder tree (N products need N − 1 adders about `W + A`
  ///   bits wide, one LUT per bit). So 2/2 costs 8, 4/4 24, 8/8 80, 16/16 288; a 1-bit
  ///   operand against an n-bit one (a conditional negate and add) costs 2n + 1.
  ///   Yosys measured 27 LUT6 for a registered 4 × 4 multiplier alone and about 50 per
  ///   4/4 MAC with `-nodsp` (research §4a-b): real LUT MACs cost about twice this.
  /// - **float16**: the 11 × 11 significand product as above (143 LUTs) plus
  ///   ``float16AddLUTs``.
  public func lutCost(on part: Part) -> MACCost {
    if isFloat { return MACCost(luts: Self.float16AddLUTs + lutMultiplier(11, 11), dsps: 0) }
    if weightBits == 1 && inputBits == 1 { return MACCost(luts: part.family.lutInputs >= 6 ? 1 : 2, dsps: 0) }
    return MACCost(luts: lutMultiplier(weightBits, inputBits), dsps: 0)
  }

  /// What one MAC of this precision costs on `part` built around a DSP block; nil for
  /// 1/1 (a popcount has no multiplier) and on parts without DSPs.
  ///
  /// One DSP per MAC up to 16/16: a DSP48E1 (25 × 18), DSP48E2 (27 × 18) or SB_MAC16
  /// (16 × 16) holds the product and its accumulator or cascade adder sums it, so
  /// integer MACs need no LUTs. (Yosys puts every product of 9 bits or more there on
  /// Xilinx, 11 or more on iCE40 with `-dsp`; research §4b.) Packing two 8-bit MACs into
  /// one DSP48E2 is not modelled. float16 puts its 11 × 11 significand product on the
  /// DSP and keeps ``float16AddLUTs`` LUTs.
  public func dspCost(on part: Part) -> MACCost? {
    guard part.dsps > 0, isFloat || weightBits > 1 || inputBits > 1 else { return nil }
    return MACCost(luts: isFloat ? Self.float16AddLUTs : 0, dsps: 1)
  }

  /// MAC units of this precision that fit on `part`: DSP-based ones first (each needs
  /// fewer LUTs than a LUT-only MAC), as many as the DSPs and LUTs allow, then LUT-only
  /// ones in the LUTs left over.
  public func fit(on part: Part) -> (dspMACs: Int, lutMACs: Int) {
    var luts = Double(part.luts)
    var dspMACs = 0
    if let d = dspCost(on: part) {
      dspMACs = Int(min(Double(part.dsps) / d.dsps, d.luts > 0 ? luts / d.luts : .infinity).rounded(.down))
      luts -= Double(dspMACs) * d.luts
    }
    let l = lutCost(on: part)
    return (dspMACs, Int((luts / l.luts).rounded(.down)))
  }

  private func lutMultiplier(_ w: Int, _ a: Int) -> Double { Double(w * a + w + a) }
}

/// Resources one MAC unit uses.
public struct MACCost: Hashable, Sendable, Codable {
  /// LUTs per MAC.
  public var luts: Double
  /// DSP blocks per MAC.
  public var dsps: Double

  public init(luts: Double, dsps: Double) {
    self.luts = luts
    self.dsps = dsps
  }
}

/// One compute ceiling: a precision's peak on the device and where it meets the memory slope.
public struct Roof: Hashable, Sendable, Codable {
  /// The operand precision.
  public var precision: MACPrecision
  /// Resources of one LUT-only MAC.
  public var lutCost: MACCost
  /// Resources of one DSP-based MAC (nil where there is none).
  public var dspCost: MACCost?
  /// DSP-based MAC units that fit on the part.
  public var dspMACs: Int
  /// LUT-only MAC units that fit in the LUTs the DSP-based ones leave.
  public var lutMACs: Int
  /// `2 · (dspMACs + lutMACs) · clock`, in ops per second.
  public var peakOpsPerSecond: Double
  /// The intensity (ops/byte) above which this precision is compute-bound: peak / bandwidth.
  public var ridgeIntensity: Double

  /// MAC units per cycle.
  public var macsPerCycle: Int { dspMACs + lutMACs }

  /// What the peak's MAC units are built on: `LUT`, `DSP` or `DSP+LUT`.
  public var mapping: String { dspMACs == 0 ? "LUT" : lutMACs == 0 ? "DSP" : "DSP+LUT" }

  enum CodingKeys: String, CodingKey {
    case precision
    case lutCost = "lut_mac", dspCost = "dsp_mac", dspMACs = "dsp_macs", lutMACs = "lut_macs"
    case peakOpsPerSecond = "peak_ops_per_second", ridgeIntensity = "ridge_intensity"
  }
}

/// The facts about a network that place it on a roofline.
///
/// Counts are per run of the graph (one frame for a batch-1 model): MACs and
/// parameter bits from ``FinchIR/Graph/summary``, input and output bits from the
/// graph's input and output types.
public struct RooflineNetwork: Hashable, Sendable, Codable {
  /// The share of a network's MACs done at one precision.
  public struct Share: Hashable, Sendable, Codable {
    /// The precision.
    public var precision: MACPrecision
    /// MACs per run at that precision.
    public var macs: Int

    public init(precision: MACPrecision, macs: Int) {
      self.precision = precision
      self.macs = macs
    }
  }

  /// The network's name (the model file's base name in `finch roofline`).
  public var name: String
  /// Multiply-accumulates per run.
  public var macs: Int
  /// Weight bits, read from off-chip memory every run when weights are off chip.
  public var parameterBits: Int
  /// Bits of the graph inputs per run.
  public var inputBits: Int
  /// Bits of the graph outputs per run.
  public var outputBits: Int
  /// MACs by operand precision, most MACs first.
  public var precisions: [Share]

  enum CodingKeys: String, CodingKey {
    case name, macs, precisions
    case parameterBits = "parameter_bits", inputBits = "input_bits", outputBits = "output_bits"
  }

  public init(name: String, macs: Int, parameterBits: Int, inputBits: Int, outputBits: Int, precisions: [Share]) {
    self.name = name
    self.macs = macs
    self.parameterBits = parameterBits
    self.inputBits = inputBits
    self.outputBits = outputBits
    self.precisions = precisions
  }

  /// The network of `graph`: each MatMul/Gemm/Conv's precision is its weight and input
  /// datatypes' widths (seen through a `Quant`/`BipolarQuant` producer when the value
  /// itself is float-typed); float operands that no quantizer narrows count as float16.
  public init(name: String, graph: Graph) {
    let summary = graph.summary
    var byPrecision: [MACPrecision: Int] = [:]
    for (node, layer) in zip(graph.nodes, summary.layers) where layer.macs > 0 && node.inputs.count > 1 {
      let a = Self.operandBits(node.inputs[0], in: graph)
      let w = Self.operandBits(node.inputs[1], in: graph)
      let p: MACPrecision
      if let a, let w { p = .integer(weightBits: w, inputBits: a) } else { p = .float16 }
      byPrecision[p, default: 0] += layer.macs
    }
    let shares = byPrecision.map { Share(precision: $0.key, macs: $0.value) }
      .sorted { ($0.macs, $1.precision.description) > ($1.macs, $0.precision.description) }
    let bits = { (values: [String]) in
      values.reduce(0) { total, v in
        guard let t = graph.type(of: v) else { return total }
        return total + t.shape.elementCount * t.dataType.bitWidth
      }
    }
    self.init(
      name: name, macs: summary.totalMACs, parameterBits: summary.totalParameterBits, inputBits: bits(graph.inputs),
      outputBits: bits(graph.outputs), precisions: shares)
  }

  /// The integer width of a value, or nil when it is a float.
  static func operandBits(_ value: String, in graph: Graph) -> Int? {
    if let t = graph.type(of: value), t.dataType != .float32 { return t.dataType.bitWidth }
    guard let producer = graph.producer(of: value) else { return nil }
    switch producer.op {
    case .bipolarQuant: return 1
    case .quant:
      guard producer.inputs.count > 3, let bits = graph.initializers[producer.inputs[3]]?.floats.first,
        bits >= 1, bits <= 64
      else { return nil }
      return Int(bits.rounded(.up))
    default: return nil
    }
  }
}

/// Where a network's weights live, which sets the off-chip traffic per run.
public enum MemoryMode: String, Sendable, Codable, CaseIterable {
  /// Weights on chip: only input and output activations cross off-chip memory.
  case weightsOnChip = "weights_on_chip"
  /// Weights off chip: the weights are streamed in every run as well.
  case weightsOffChip = "weights_off_chip"
}

/// A network in one memory mode: its intensity and the performance it can attain.
public struct RooflinePoint: Hashable, Sendable, Codable {
  /// Which ceiling limits the point.
  public enum Bound: String, Sendable, Codable { case compute, memory }

  /// Where the weights live.
  public var memory: MemoryMode
  /// Off-chip bytes per run (at least 1).
  public var bytes: Double
  /// Ops per byte of off-chip traffic.
  public var intensity: Double
  /// `min(peak, intensity · bandwidth)`, in ops per second.
  public var attainableOpsPerSecond: Double
  /// Which ceiling sets ``attainableOpsPerSecond``.
  public var bound: Bound

  enum CodingKeys: String, CodingKey {
    case memory, bytes, intensity, bound
    case attainableOpsPerSecond = "attainable_ops_per_second"
  }
}

/// One network on the roofline.
public struct NetworkRoofline: Hashable, Sendable, Codable {
  /// The network's facts.
  public var network: RooflineNetwork
  /// Ops per run: 2 per MAC.
  public var ops: Int
  /// The network's own compute ceiling: with the fabric shared among its layers in
  /// proportion to their work, `ops / Σ (ops of layer / peak of its precision)`.
  public var peakOpsPerSecond: Double
  /// Weights on chip, then off chip.
  public var points: [RooflinePoint]

  enum CodingKeys: String, CodingKey {
    case network, ops, points
    case peakOpsPerSecond = "peak_ops_per_second"
  }
}

/// A device's roofline: one ceiling per precision, and networks placed under it.
public struct Roofline: Sendable, Codable {
  /// The board's name.
  public var board: String
  /// The part's name.
  public var part: String
  /// Fabric clock, MHz.
  public var clockMHz: Double
  /// Off-chip memory bandwidth, GB/s.
  public var bandwidthGBps: Double
  /// One ceiling per precision, in the order asked for.
  public var roofs: [Roof]
  /// The networks, in the order given.
  public var networks: [NetworkRoofline]

  enum CodingKeys: String, CodingKey {
    case board, part, roofs, networks
    case clockMHz = "clock_mhz", bandwidthGBps = "bandwidth_gbps"
  }

  /// Off-chip bandwidth in bytes per second.
  public var bandwidthBytesPerSecond: Double { bandwidthGBps * 1e9 }

  /// The roofline of `board` (on `part`) at `clockMHz` (the board's clock when nil).
  public init(
    board: Board, part: Part, clockMHz: Double? = nil, networks: [RooflineNetwork] = [],
    precisions: [MACPrecision] = MACPrecision.standard
  ) throws(FinchCostError) {
    let clock = clockMHz ?? board.clockMHz
    try TargetLimits.checkClock(clock)
    self.board = board.name
    self.part = part.name
    self.clockMHz = clock
    self.bandwidthGBps = board.bandwidthGBps
    let bandwidth = board.bandwidthGBps * 1e9
    let roof = { (p: MACPrecision) -> Roof in
      let (dspMACs, lutMACs) = p.fit(on: part)
      let peak = 2 * Double(dspMACs + lutMACs) * clock * 1e6
      return Roof(
        precision: p, lutCost: p.lutCost(on: part), dspCost: p.dspCost(on: part), dspMACs: dspMACs, lutMACs: lutMACs,
        peakOpsPerSecond: peak, ridgeIntensity: peak / bandwidth)
    }
    roofs = precisions.map(roof)
    self.networks = try networks.map { (n: RooflineNetwork) throws(FinchCostError) -> NetworkRoofline in
      guard n.macs > 0 else { throw .noMultiplyAccumulates(model: n.name) }
      let ops = 2 * n.macs
      let seconds = n.precisions.reduce(0.0) { $0 + 2 * Double($1.macs) / roof($1.precision).peakOpsPerSecond }
      let peak = seconds > 0 && seconds.isFinite ? Double(ops) / seconds : 0
      let points = MemoryMode.allCases.map { mode -> RooflinePoint in
        let bits = n.inputBits + n.outputBits + (mode == .weightsOffChip ? n.parameterBits : 0)
        let bytes = max(Double(bits) / 8, 1)
        let intensity = Double(ops) / bytes
        let memoryBound = intensity * bandwidth
        return RooflinePoint(
          memory: mode, bytes: bytes, intensity: intensity, attainableOpsPerSecond: min(peak, memoryBound),
          bound: memoryBound < peak ? .memory : .compute)
      }
      return NetworkRoofline(network: n, ops: ops, peakOpsPerSecond: peak, points: points)
    }
  }
}
