import Foundation

/// An FPGA architecture family, named as Yosys' synthesis scripts name it.
public enum DeviceFamily: String, Sendable, Codable, CaseIterable {
  /// Xilinx 7 series (Zynq-7000 included): `synth_xilinx -family xc7`.
  case xc7
  /// Xilinx UltraScale+ (Zynq UltraScale+, Virtex UltraScale+, Alveo): `synth_xilinx -family xcup`.
  case xcup
  /// Lattice iCE40: `synth_ice40`.
  case ice40

  /// Inputs of one LUT: 6 on Xilinx, 4 on iCE40.
  public var lutInputs: Int {
    switch self {
    case .xc7, .xcup: return 6
    case .ice40: return 4
    }
  }
}

/// The hard multiplier block of a part.
public enum DSPKind: String, Sendable, Codable, CaseIterable {
  /// 7 series: 25 × 18 multiplier, 48-bit accumulator.
  case dsp48e1 = "DSP48E1"
  /// UltraScale+: 27 × 18 multiplier, 48-bit accumulator.
  case dsp48e2 = "DSP48E2"
  /// iCE40 UltraPlus: 16 × 16 multiplier, 32-bit accumulator.
  case sbMAC16 = "SB_MAC16"
  /// No DSP blocks.
  case none
}

/// An FPGA part: its family and resource totals.
///
/// Memory is counted in the part's own block sizes: ``bram18`` for Xilinx 18 Kb
/// block RAMs (a 36 Kb block counts as two), ``ebr4k`` for iCE40 4 Kb embedded
/// block RAMs, ``uram`` for UltraScale+ 288 Kb UltraRAMs and ``spram`` for iCE40
/// UltraPlus 256 Kb single-port RAMs. A part has zero of the kinds it lacks.
public struct Part: Hashable, Sendable, Codable {
  /// Part name without package and speed grade, e.g. `xc7z020`.
  public var name: String
  /// Architecture family.
  public var family: DeviceFamily
  /// LUTs (LUT6 on Xilinx, LUT4 logic cells on iCE40).
  public var luts: Int
  /// Flip-flops.
  public var ffs: Int
  /// DSP blocks.
  public var dsps: Int
  /// The kind of DSP block.
  public var dspKind: DSPKind
  /// 18 Kb block RAMs (Xilinx).
  public var bram18: Int
  /// 4 Kb embedded block RAMs (iCE40).
  public var ebr4k: Int
  /// 288 Kb UltraRAMs (UltraScale+).
  public var uram: Int
  /// 256 Kb single-port RAMs (iCE40 UltraPlus).
  public var spram: Int
  /// LUTs that can serve as distributed RAM (SLICEM LUTs on Xilinx; 0 on iCE40).
  public var lutramLUTs: Int
  /// The fabric clock a FINN-style dataflow design typically closes at, in MHz.
  public var clockMHz: Double
  /// Where the figures come from; "recalled" marks those not checked against a source.
  public var notes: String
  /// Static (leakage) power in watts, with where the figure comes from (Docs/power.md).
  public var staticWatts: Double
  public var powerNotes: String

  /// Block RAM capacity in bits (BRAM18 at 18 Kib, EBR at 4 Kib).
  public var blockRAMBits: Int { bram18 * 18 * 1024 + ebr4k * 4 * 1024 }

  public init(
    name: String, family: DeviceFamily, luts: Int, ffs: Int, dsps: Int, dspKind: DSPKind, bram18: Int, ebr4k: Int = 0,
    uram: Int = 0, spram: Int = 0, lutramLUTs: Int, clockMHz: Double, notes: String = "", staticWatts: Double = 0, powerNotes: String = ""
  ) {
    self.name = name
    self.family = family
    self.luts = luts
    self.ffs = ffs
    self.dsps = dsps
    self.dspKind = dspKind
    self.bram18 = bram18
    self.ebr4k = ebr4k
    self.uram = uram
    self.spram = spram
    self.lutramLUTs = lutramLUTs
    self.clockMHz = clockMHz
    self.notes = notes
    self.staticWatts = staticWatts
    self.powerNotes = powerNotes
  }

  enum CodingKeys: String, CodingKey {
    case name, family, luts, ffs, dsps, bram18, ebr4k, uram, spram, notes
    case dspKind = "dsp_kind", lutramLUTs = "lutram_luts", clockMHz = "clock_mhz"
    case staticWatts = "static_watts", powerNotes = "power_notes"
  }
}

/// A board: a part with off-chip memory and a usual fabric clock.
public struct Board: Hashable, Sendable, Codable {
  /// Board name, e.g. `pynq-z1`.
  public var name: String
  /// Other names the board is known by.
  public var aliases: [String]
  /// The name of the board's ``Part``.
  public var part: String
  /// The clock the board's usual setup gives the fabric, in MHz.
  public var clockMHz: Double
  /// Peak off-chip memory bandwidth the fabric can use, in GB/s (10⁹ bytes per second).
  public var bandwidthGBps: Double
  /// The off-chip memory in words.
  public var memory: String
  /// Where the figures come from; "recalled" and "assumed" mark the uncertain ones.
  public var notes: String

  public init(
    name: String, aliases: [String] = [], part: String, clockMHz: Double, bandwidthGBps: Double, memory: String = "",
    notes: String = ""
  ) {
    self.name = name
    self.aliases = aliases
    self.part = part
    self.clockMHz = clockMHz
    self.bandwidthGBps = bandwidthGBps
    self.memory = memory
    self.notes = notes
  }

  enum CodingKeys: String, CodingKey {
    case name, aliases, part, memory, notes
    case clockMHz = "clock_mhz", bandwidthGBps = "bandwidth_gbps"
  }
}

/// A named target: a part, and the board it sits on when a board was named.
public struct Device: Hashable, Sendable {
  /// The part.
  public var part: Part
  /// The board, when the name was a board's.
  public var board: Board?

  /// The board's name, or the part's.
  public var name: String { board?.name ?? part.name }
  /// The board's clock, or the part's typical clock, in MHz.
  public var clockMHz: Double { board?.clockMHz ?? part.clockMHz }
}

/// The parts and boards Finch knows, loaded from the package's `devices.json`.
public struct DeviceCatalogue: Sendable, Codable {
  /// Every part, in catalogue order.
  public var parts: [Part]
  /// Every board, in catalogue order.
  public var boards: [Board]

  /// A catalogue of the given parts and boards; checks that names are unique,
  /// totals are not negative and every board names a known part.
  public init(parts: [Part], boards: [Board]) throws(FinchCostError) {
    self.parts = parts
    self.boards = boards
    try validate()
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    parts = try c.decode([Part].self, forKey: .parts)
    boards = try c.decode([Board].self, forKey: .boards)
    try validate()
  }

  enum CodingKeys: String, CodingKey { case parts, boards }

  /// The catalogue shipped with Finch (`Sources/FinchCost/Resources/devices.json`).
  public static func bundled() throws(FinchCostError) -> DeviceCatalogue { try bundledResult.get() }

  private static let bundledResult: Result<DeviceCatalogue, FinchCostError> = {
    guard let url = Bundle.module.url(forResource: "devices", withExtension: "json") else {
      return .failure(.invalidCatalogue("devices.json is missing from the FinchCost resource bundle"))
    }
    do {
      return .success(try load(data: try Data(contentsOf: url)))
    } catch let error as FinchCostError {
      return .failure(error)
    } catch {
      return .failure(.invalidCatalogue("cannot read \(url.path): \(error)"))
    }
  }()

  /// Decodes a catalogue in the `devices.json` format.
  public static func load(data: Data) throws(FinchCostError) -> DeviceCatalogue {
    do {
      return try JSONDecoder().decode(DeviceCatalogue.self, from: data)
    } catch let error as FinchCostError {
      throw error
    } catch {
      throw .invalidCatalogue("devices.json does not decode: \(error)")
    }
  }

  /// Board names, then part names, in catalogue order.
  public var names: [String] { boards.map(\.name) + parts.map(\.name) }

  /// The board called `name` (or one of its aliases), ignoring case.
  public func board(named name: String) throws(FinchCostError) -> Board {
    let key = name.lowercased()
    if let b = boards.first(where: { $0.name.lowercased() == key || $0.aliases.contains { $0.lowercased() == key } }) {
      return b
    }
    throw .unknownDevice(name, known: boards.map(\.name))
  }

  /// The part called `name`, ignoring case.
  public func part(named name: String) throws(FinchCostError) -> Part {
    if let p = parts.first(where: { $0.name.lowercased() == name.lowercased() }) { return p }
    throw .unknownDevice(name, known: parts.map(\.name))
  }

  /// The part a board sits on.
  public func part(of board: Board) throws(FinchCostError) -> Part { try part(named: board.part) }

  /// A board (with its part) or a bare part, by name, ignoring case; boards win.
  public func device(named name: String) throws(FinchCostError) -> Device {
    if let b = try? board(named: name) { return Device(part: try part(of: b), board: b) }
    if let p = try? part(named: name) { return Device(part: p, board: nil) }
    throw .unknownDevice(name, known: names)
  }

  private func validate() throws(FinchCostError) {
    var seen = Set<String>()
    for name in names + boards.flatMap(\.aliases) {
      guard seen.insert(name.lowercased()).inserted else { throw .invalidCatalogue("the name '\(name)' appears twice") }
    }
    for p in parts {
      let counts = [p.luts, p.ffs, p.dsps, p.bram18, p.ebr4k, p.uram, p.spram, p.lutramLUTs]
      guard counts.allSatisfy({ $0 >= 0 }), p.luts > 0, p.clockMHz > 0, p.clockMHz.isFinite else {
        throw .invalidCatalogue("part '\(p.name)' has a negative or missing total or clock")
      }
      guard (p.dsps == 0) == (p.dspKind == .none) else {
        throw .invalidCatalogue("part '\(p.name)': \(p.dsps) DSPs of kind \(p.dspKind.rawValue)")
      }
    }
    for b in boards {
      guard parts.contains(where: { $0.name.lowercased() == b.part.lowercased() }) else {
        throw .invalidCatalogue("board '\(b.name)' names part '\(b.part)', which is not in the catalogue")
      }
      guard b.clockMHz > 0, b.clockMHz.isFinite, b.bandwidthGBps > 0, b.bandwidthGBps.isFinite else {
        throw .invalidCatalogue("board '\(b.name)' needs a positive clock and memory bandwidth")
      }
    }
  }
}
