import Foundation

/// The power model's coefficients per device family (Docs/power.md), stored
/// as data (`Resources/power-model.json`): microwatts per MHz for each
/// resource class, and the toggle rate assumed when no simulation measured one.
public struct PowerCoefficients: Codable, Sendable, Equatable {
  /// One family's coefficients, in µW per MHz.
  public struct Family: Codable, Sendable, Equatable {
    /// Per LUT per unit toggle rate: the LUT's own logic.
    public var lut: Double
    /// Per LUT per unit toggle rate: the nets it drives.
    public var routing: Double
    /// Per flip-flop per unit toggle rate.
    public var ff: Double
    /// Per flip-flop: its share of the clock tree, which switches every cycle.
    public var clock: Double
    /// Per 18 Kb block RAM (a 4 Kb EBR on iCE40) read every cycle.
    public var bram18: Double
    /// Per UltraRAM read every cycle.
    public var uram: Double
    /// Per DSP block per unit toggle rate.
    public var dsp: Double
    /// Picojoules per byte moved to or from off-chip memory.
    public var ioPicojoulesPerByte: Double

    enum CodingKeys: String, CodingKey {
      case lut, routing, ff, clock, bram18, uram, dsp
      case ioPicojoulesPerByte = "io_pj_per_byte"
    }
  }

  /// The toggle rate of LUT, flip-flop and DSP outputs when none was measured (Vivado's vectorless default, 12.5%).
  public var defaultToggleRate: Double
  public var families: [String: Family]
  /// Where the figures come from and how far to trust them.
  public var about: String

  enum CodingKeys: String, CodingKey {
    case about, families
    case defaultToggleRate = "default_toggle_rate"
  }

  /// The coefficients bundled with Finch.
  public static let bundled: PowerCoefficients = {
    guard let url = Bundle.module.url(forResource: "power-model", withExtension: "json"),
      let data = FileManager.default.contents(atPath: url.path),
      let coefficients = try? JSONDecoder().decode(PowerCoefficients.self, from: data)
    else { fatalError("power-model.json is missing from the FinchCost resource bundle or malformed") }
    return coefficients
  }()
}

/// A design's power on a part (Docs/power.md): the part's static power plus
/// dynamic power per resource class, each `count × coefficient × clock ×
/// toggle rate` (the clock tree and block RAMs switch every cycle), plus
/// the energy of the bytes the design moves off chip.
public struct PowerEstimate: Codable, Sendable, Equatable {
  /// The part's static (leakage) power, from the device catalogue.
  public var staticWatts: Double
  /// Dynamic watts by class (``classes``).
  public var dynamic: [String: Double]
  /// The dynamic classes, in the order reports list (and sum) them.
  public static let classes = ["lut", "routing", "ff", "clock", "bram", "dsp", "io"]
  public var dynamicWatts: Double
  /// Static plus dynamic.
  public var watts: Double
  /// The toggle rate used, and whether it was the `default` or `simulated`.
  public var toggleRate: Double
  public var toggleSource: String

  enum CodingKeys: String, CodingKey {
    case dynamic, watts
    case staticWatts = "static_watts", dynamicWatts = "dynamic_watts", toggleRate = "toggle_rate", toggleSource = "toggle_source"
  }

  /// The power of `resources` on `part` at `clockMHz`. `toggleRate` is a
  /// measured rate (nil: the model's default); `offChipBytesPerSecond` the
  /// design's traffic to off-chip memory.
  public init(
    resources r: Resources, part: Part, clockMHz: Double, toggleRate: Double? = nil, offChipBytesPerSecond: Double = 0,
    coefficients: PowerCoefficients = .bundled
  ) {
    let c = coefficients.families[part.family.rawValue] ?? PowerCoefficients.Family(
      lut: 0, routing: 0, ff: 0, clock: 0, bram18: 0, uram: 0, dsp: 0, ioPicojoulesPerByte: 0)
    let toggle = toggleRate ?? coefficients.defaultToggleRate
    let f = clockMHz * 1e-6  // µW per MHz × MHz → W
    let dynamic: [String: Double] = [
      "lut": Double(r.lut) * c.lut * f * toggle,
      "routing": Double(r.lut) * c.routing * f * toggle,
      "ff": Double(r.ff) * c.ff * f * toggle,
      "clock": Double(r.ff) * c.clock * f,
      "bram": (Double(r.bram18 + r.ebr) * c.bram18 + Double(r.uram) * c.uram) * f,
      "dsp": Double(r.dsp) * c.dsp * f * toggle,
      "io": offChipBytesPerSecond * c.ioPicojoulesPerByte * 1e-12,
    ]
    staticWatts = part.staticWatts
    self.dynamic = dynamic
    // Summed in a fixed order: the same design gives the same bits in every run.
    dynamicWatts = Self.classes.reduce(0) { $0 + (dynamic[$1] ?? 0) }
    watts = staticWatts + dynamicWatts
    self.toggleRate = toggle
    toggleSource = toggleRate == nil ? "default" : "simulated"
  }

  /// Frames per second per watt at `fps`.
  public func fpsPerWatt(_ fps: Double) -> Double { watts > 0 ? fps / watts : 0 }
}
