import Foundation

/// One design point of `finch explore`: a model on a device at a clock for a
/// target, on one architecture, with what the cost models predict for it and
/// the model's accuracy on the test set (the CPU backend: the same bits the
/// hardware computes).
public struct ExplorationPoint: Sendable, Codable, Equatable {
  public var model: String
  public var device: String
  /// The architecture of the design (`auto` resolved to what it chose).
  public var arch: String
  public var clockMHz: Double
  /// The target: frames/s asked for, or a fraction of the part.
  public var targetFPS: Double?
  public var budget: Double?
  /// Percent correct on the test set; nil without one.
  public var accuracy: Double?
  public var fps: Double
  /// The first frame's latency (dataflow) or one frame's engine cycles (offload), in µs.
  public var latencyUs: Double
  public var lut: Int
  public var ff: Int
  public var bram18: Int
  public var ebr: Int
  public var dsp: Int
  public var watts: Double
  public var fpsPerWatt: Double
  /// Whether the design fits the part, and whether it also meets the target.
  public var fits: Bool
  public var targetMet: Bool
  /// What Yosys made of the design (`finch explore --synth`; nil otherwise, or when it did not fit).
  public var synthesized: Resources?
  /// Why Yosys failed on the design, where it did.
  public var synthesisError: String?

  enum CodingKeys: String, CodingKey {
    case model, device, arch, budget, accuracy, fps, lut, ff, bram18, ebr, dsp, watts, fits, synthesized
    case synthesisError = "synthesis_error"
    case clockMHz = "clock_mhz", targetFPS = "target_fps", latencyUs = "latency_us", fpsPerWatt = "fps_per_watt", targetMet = "target_met"
  }

  public init(
    model: String, device: String, arch: String, clockMHz: Double, targetFPS: Double?, budget: Double?, accuracy: Double?, fps: Double,
    latencyUs: Double, lut: Int, ff: Int, bram18: Int, ebr: Int, dsp: Int, watts: Double, fpsPerWatt: Double, fits: Bool, targetMet: Bool
  ) {
    (self.model, self.device, self.arch, self.clockMHz, self.targetFPS, self.budget, self.accuracy) = (model, device, arch, clockMHz, targetFPS, budget, accuracy)
    (self.fps, self.latencyUs, self.lut, self.ff, self.bram18, self.ebr, self.dsp) = (fps, latencyUs, lut, ff, bram18, ebr, dsp)
    (self.watts, self.fpsPerWatt, self.fits, self.targetMet) = (watts, fpsPerWatt, fits, targetMet)
  }

  /// The point's value of `objective` (nil: accuracy without a test set).
  public func value(_ objective: Objective) -> Double? {
    switch objective {
    case .accuracy: return accuracy
    case .fps: return fps
    case .lut: return Double(lut)
    case .ff: return Double(ff)
    case .bram18: return Double(bram18 + ebr)
    case .dsp: return Double(dsp)
    case .watts: return watts
    case .latency: return latencyUs
    case .fpsPerWatt: return fpsPerWatt
    }
  }
}

/// The outcome of an exploration (`explore.json`): every point, the points
/// with no design and why, and each front's point indices.
public struct Exploration: Sendable, Codable, Equatable {
  public var points: [ExplorationPoint]
  /// Combinations with no design (an architecture that cannot run the model, a board without memory for offload).
  public var skipped: [Skipped]
  /// Each objective pair (`accuracy_vs_lut`, ...) to the indices of the points on its Pareto front; only points that fit the part take part.
  public var fronts: [String: [Int]]

  /// A combination with no design.
  public struct Skipped: Sendable, Codable, Equatable {
    public var model: String
    public var device: String
    public var arch: String
    public var target: String
    public var reason: String

    public init(model: String, device: String, arch: String, target: String, reason: String) {
      (self.model, self.device, self.arch, self.target, self.reason) = (model, device, arch, target, reason)
    }
  }

  public init(points: [ExplorationPoint], skipped: [Skipped], fronts: [String: [Int]]) {
    (self.points, self.skipped, self.fronts) = (points, skipped, fronts)
  }


  /// The fronts of `points` for `pairs`.
  public static func fronts(of points: [ExplorationPoint], _ pairs: [ObjectivePair]) -> [String: [Int]] {
    var fronts: [String: [Int]] = [:]
    for pair in pairs {
      let values = points.map { p -> (Double, Double)? in
        guard p.fits, let a = p.value(pair.first), let b = p.value(pair.second) else { return nil }
        return (a, b)
      }
      fronts[pair.description] = ParetoFront.indices(values, maximize: (pair.first.maximized, pair.second.maximized))
    }
    return fronts
  }

  /// The points as CSV: one row each with every key of the JSON, then a
  /// `front_<pair>` column per front (1 on it, 0 off it); fields holding a
  /// comma or quote are quoted.
  public func csv() -> String {
    let names = fronts.keys.sorted()
    let on = names.map { Set(fronts[$0] ?? []) }
    var rows = [
      ["index", "model", "device", "arch", "clock_mhz", "target_fps", "budget", "accuracy", "fps", "latency_us", "lut", "ff", "bram18", "ebr", "dsp",
       "watts", "fps_per_watt", "fits", "target_met", "lut_synth", "ff_synth", "dsp_synth", "bram18_synth", "ebr_synth"]
        + names.map { "front_\($0)" }
    ]
    func number(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
    for (i, p) in points.enumerated() {
      rows.append(
        ["\(i)", p.model, p.device, p.arch, number(p.clockMHz), number(p.targetFPS), number(p.budget), number(p.accuracy), number(p.fps),
         number(p.latencyUs)] + [p.lut, p.ff, p.bram18, p.ebr, p.dsp].map(String.init)
          + [number(p.watts), number(p.fpsPerWatt), p.fits ? "1" : "0", p.targetMet ? "1" : "0"]
          + (p.synthesized.map { [$0.lut, $0.ff, $0.dsp, $0.bram18, $0.ebr].map(String.init) } ?? ["", "", "", "", ""]) + on.map { $0.contains(i) ? "1" : "0" })
    }
    func field(_ f: String) -> String { f.contains(",") || f.contains("\"") || f.contains("\n") ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f }
    return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }
}
