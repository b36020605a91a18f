/// What design-space exploration compares points by: each a number a point
/// has (accuracy only with a test set), better when larger or when smaller.
public enum Objective: String, Sendable, Codable, CaseIterable {
  case accuracy, fps, lut, ff, bram18, dsp, watts
  case latency = "latency_us"
  case fpsPerWatt = "fps_per_watt"

  /// Whether more is better (accuracy, frames/s, frames/s per watt) or less (resources, watts, latency).
  public var maximized: Bool {
    switch self {
    case .accuracy, .fps, .fpsPerWatt: return true
    case .lut, .ff, .bram18, .dsp, .watts, .latency: return false
    }
  }

  /// The axis label a chart gives it.
  public var label: String {
    switch self {
    case .accuracy: return "accuracy (%)"
    case .fps: return "frames/s"
    case .lut: return "LUT"
    case .ff: return "FF"
    case .bram18: return "BRAM18"
    case .dsp: return "DSP"
    case .watts: return "power (W)"
    case .latency: return "latency (µs)"
    case .fpsPerWatt: return "frames/s per W"
    }
  }
}

/// A pair of objectives whose Pareto front an exploration reports: `first`
/// against `second` (named `first_vs_second`, e.g. `accuracy_vs_lut`; a
/// chart puts `second` on the x axis).
public struct ObjectivePair: Sendable, Hashable, CustomStringConvertible {
  public var first: Objective
  public var second: Objective

  public init(_ first: Objective, _ second: Objective) { (self.first, self.second) = (first, second) }

  /// `first_vs_second`.
  public var description: String { "\(first.rawValue)_vs_\(second.rawValue)" }

  /// The fronts explored when none are asked for: accuracy against LUTs,
  /// frames/s against LUTs, frames/s per watt against accuracy; without
  /// accuracy, frames/s and frames/s per watt against LUTs.
  public static func defaults(withAccuracy: Bool) -> [ObjectivePair] {
    withAccuracy
      ? [ObjectivePair(.accuracy, .lut), ObjectivePair(.fps, .lut), ObjectivePair(.fpsPerWatt, .accuracy)]
      : [ObjectivePair(.fps, .lut), ObjectivePair(.fpsPerWatt, .lut)]
  }

  /// Parses `first:second` (e.g. `accuracy:lut`).
  public init?(parsing text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2, let a = Objective(rawValue: parts[0]), let b = Objective(rawValue: parts[1]), a != b else { return nil }
    self.init(a, b)
  }
}

/// The Pareto front of a set of points on two objectives: the points no
/// other point dominates, where `p` dominates `q` when it is at least as
/// good on both objectives and better on one. Points without a value for
/// either objective take no part.
public enum ParetoFront {
  /// The indices (ascending) of `values` (each point's pair, nil where it
  /// has none) on the front, for the two objectives' directions.
  public static func indices(_ values: [(Double, Double)?], maximize: (Bool, Bool)) -> [Int] {
    // Orient both so that larger is better.
    let oriented = values.map { v in v.map { (maximize.0 ? $0.0 : -$0.0, maximize.1 ? $0.1 : -$0.1) } }
    let candidates = oriented.indices.compactMap { i in oriented[i].map { (i, $0) } }
    // Sweep by the first objective, best first (ties: best second first); a point is on the front when
    // its second beats every point before it, or ties the best one with the same first.
    let sorted = candidates.sorted { $0.1.0 != $1.1.0 ? $0.1.0 > $1.1.0 : $0.1.1 > $1.1.1 }
    var front: [Int] = []
    var best = -Double.infinity, bestFirst = Double.nan
    for (i, v) in sorted {
      if v.1 > best {
        front.append(i)
        (best, bestFirst) = (v.1, v.0)
      } else if v.1 == best && v.0 == bestFirst {
        front.append(i)  // equal to a front point: neither dominates
      }
    }
    return front.sorted()
  }

  /// Whether `p` dominates `q` (both oriented so that larger is better).
  public static func dominates(_ p: (Double, Double), _ q: (Double, Double), maximize: (Bool, Bool)) -> Bool {
    let a = (maximize.0 ? p.0 : -p.0, maximize.1 ? p.1 : -p.1)
    let b = (maximize.0 ? q.0 : -q.0, maximize.1 ? q.1 : -q.1)
    return a.0 >= b.0 && a.1 >= b.1 && (a.0 > b.0 || a.1 > b.1)
  }
}
