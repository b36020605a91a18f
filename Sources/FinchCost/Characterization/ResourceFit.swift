import Foundation

/// Fits ``ResourceCoefficients`` to characterization datasets and measures
/// the fitted model on points the fit never saw.
///
/// Each module's LUT and flip-flop coefficients are a least-squares fit of
/// its ``ResourceTerms`` to the synthesized counts (less the counts rules
/// give), weighted to minimize relative rather than absolute error, with
/// non-negative weights (a term that would get a negative one is dropped and
/// the fit repeated). The held-out set is every fifth point by a hash of its
/// key, plus the whole region of 4-bit × 4-bit MVAUs.
public enum ResourceFit {
  /// One synthesized point with its terms.
  public struct Sample: Sendable {
    public var point: CharacterizationPoint
    public var family: DeviceFamily
    public var terms: ResourceTerms
    public var synthesized: Resources
    /// Not used by the fit; measured instead.
    public var heldOut: Bool
  }

  /// The error of a fitted model on one module of one family's held-out points.
  public struct ModuleError: Codable, Sendable {
    public var family: String
    public var module: String
    public var points: Int
    /// Mean and worst absolute LUT and flip-flop error, in %.
    public var lutMeanPct: Double, lutWorstPct: Double, ffMeanPct: Double, ffWorstPct: Double
    /// Held-out points whose DSP, BRAM18 or EBR count differs from synthesis (their keys).
    public var memoryOrDSPMismatches: [String]
    /// The point with the worst LUT error.
    public var worstPoint: String

    enum CodingKeys: String, CodingKey {
      case family, module, points
      case lutMeanPct = "lut_mean_pct", lutWorstPct = "lut_worst_pct", ffMeanPct = "ff_mean_pct", ffWorstPct = "ff_worst_pct"
      case memoryOrDSPMismatches = "memory_or_dsp_mismatches", worstPoint = "worst_point"
    }
  }

  /// Whether `point` is held out of the fit.
  public static func isHeldOut(_ point: CharacterizationPoint) -> Bool {
    if point.module == .mvau, point["a"] == 4, point["w"] == 4 { return true }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for byte in point.key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash % 5 == 0
  }

  /// The samples of `dataset`.
  public static func samples(_ dataset: CharacterizationDataset) throws(FinchCostError) -> [Sample] {
    try dataset.rows.map { (row: CharacterizationDataset.Row) throws(FinchCostError) -> Sample in
      guard let point = CharacterizationPoint(key: row.point) else {
        throw .invalidDataset(path: dataset.family.rawValue, reason: "row '\(row.point)' names no point")
      }
      return Sample(point: point, family: dataset.family, terms: try point.terms(on: dataset.family), synthesized: row.resources, heldOut: isHeldOut(point))
    }
  }

  /// Coefficients fitted to the training points of `datasets`.
  public static func fit(_ datasets: [CharacterizationDataset]) throws(FinchCostError) -> ResourceCoefficients {
    var families: [String: [String: ResourceCoefficients.Module]] = [:]
    for dataset in datasets {
      let training = try samples(dataset).filter { !$0.heldOut }
      for module in CharacterizationPoint.Module.allCases {
        let rows = training.filter { $0.point.module == module }
        guard !rows.isEmpty else { continue }
        let lut = fit(rows.map { ($0.terms.lut, Double($0.synthesized.lut - $0.terms.fixed.lut)) })
        let ff = fit(rows.map { ($0.terms.ff, Double($0.synthesized.ff - $0.terms.fixed.ff)) })
        families[dataset.family.rawValue, default: [:]][module.rawValue] = ResourceCoefficients.Module(lut: lut, ff: ff)
      }
    }
    let source = datasets.map { "\($0.family.rawValue): \($0.rows.count) points, \($0.tool)" }.joined(separator: "; ")
    return ResourceCoefficients(families: families, source: "finch characterize fit over " + source)
  }

  /// The error of `coefficients` on the held-out points of `datasets`, per family and module.
  public static func heldOutErrors(_ datasets: [CharacterizationDataset], _ coefficients: ResourceCoefficients) throws(FinchCostError) -> [ModuleError] {
    var result: [ModuleError] = []
    for dataset in datasets {
      let heldOut = try samples(dataset).filter(\.heldOut)
      for module in CharacterizationPoint.Module.allCases {
        let rows = heldOut.filter { $0.point.module == module }
        guard !rows.isEmpty else { continue }
        var lut: [Double] = [], ff: [Double] = [], mismatches: [String] = []
        for s in rows {
          let e = coefficients.resources(s.terms, on: dataset.family)
          lut.append(percentError(e.lut, s.synthesized.lut))
          ff.append(percentError(e.ff, s.synthesized.ff))
          if e.dsp != s.synthesized.dsp || e.bram18 != s.synthesized.bram18 || e.ebr != s.synthesized.ebr {
            mismatches.append("\(s.point.key): estimate \(e.dsp) DSP \(e.bram18) BRAM18 \(e.ebr) EBR, Yosys \(s.synthesized.dsp) / \(s.synthesized.bram18) / \(s.synthesized.ebr)")
          }
        }
        let worst = lut.indices.max { lut[$0] < lut[$1] } ?? 0
        result.append(
          ModuleError(
            family: dataset.family.rawValue, module: module.rawValue, points: rows.count, lutMeanPct: mean(lut), lutWorstPct: lut.max() ?? 0,
            ffMeanPct: mean(ff), ffWorstPct: ff.max() ?? 0, memoryOrDSPMismatches: mismatches, worstPoint: rows[worst].point.key))
      }
    }
    return result
  }

  /// One line per point of `datasets` (training and held-out): its key, the
  /// estimate of `coefficients` beside Yosys' counts, and the LUT and
  /// flip-flop terms (`name=value` separated by `;`), as CSV (for residual
  /// plots and trying new terms).
  public static func residualsCSV(_ datasets: [CharacterizationDataset], _ coefficients: ResourceCoefficients) throws(FinchCostError) -> String {
    var lines = [
      "family,module,held_out,point,lut_estimate,lut_yosys,ff_estimate,ff_yosys,dsp_estimate,dsp_yosys,bram18_estimate,bram18_yosys,ebr_estimate,ebr_yosys,lut_terms,ff_terms"
    ]
    func text(_ terms: [String: Double]) -> String { terms.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }
    for dataset in datasets {
      for s in try samples(dataset) {
        let e = coefficients.resources(s.terms, on: dataset.family), y = s.synthesized
        let counts = [e.lut, y.lut, e.ff, y.ff, e.dsp, y.dsp, e.bram18, y.bram18, e.ebr, y.ebr].map(String.init)
        let columns = [dataset.family.rawValue, s.point.module.rawValue, s.heldOut ? "1" : "0", s.point.key] + counts + [text(s.terms.lut), text(s.terms.ff)]
        lines.append(columns.joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// |estimate − synthesized| / synthesized in % (0 when both are 0; against 1 when only synthesis is 0).
  public static func percentError(_ estimate: Int, _ synthesized: Int) -> Double {
    estimate == synthesized ? 0 : 100 * Double(abs(estimate - synthesized)) / Double(max(synthesized, 1))
  }

  private static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

  /// Non-negative weights of the terms of `rows` (terms, target) minimizing
  /// the squared relative error; `const` may take any sign.
  static func fit(_ rows: [([String: Double], Double)]) -> [String: Double] {
    var names = Set(rows.flatMap { $0.0.filter { $0.value != 0 }.keys }).sorted()
    while true {
      let weights = solve(rows, names)
      guard let worst = names.filter({ $0 != "const" && weights[$0, default: 0] < 0 }).min(by: { weights[$0, default: 0] < weights[$1, default: 0] })
      else { return weights.filter { $0.value != 0 } }
      names.removeAll { $0 == worst }
    }
  }

  /// Weighted least squares over the terms `names` (normal equations with a
  /// tiny ridge, solved by Gaussian elimination with partial pivoting).
  private static func solve(_ rows: [([String: Double], Double)], _ names: [String]) -> [String: Double] {
    let n = names.count
    guard n > 0 else { return [:] }
    var m = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
    for (terms, target) in rows {
      let w = 1 / max(target, 8)
      let x = names.map { (terms[$0] ?? 0) * w }
      let y = target * w
      for i in 0..<n {
        for j in 0..<n { m[i][j] += x[i] * x[j] }
        m[i][n] += x[i] * y
      }
    }
    for i in 0..<n { m[i][i] += 1e-9 * max(m[i][i], 1) }
    for c in 0..<n {
      let pivot = (c..<n).max { abs(m[$0][c]) < abs(m[$1][c]) } ?? c
      m.swapAt(c, pivot)
      guard abs(m[c][c]) > 1e-300 else { continue }
      for r in 0..<n where r != c {
        let f = m[r][c] / m[c][c]
        if f != 0 { for k in c...n { m[r][k] -= f * m[c][k] } }
      }
    }
    var result: [String: Double] = [:]
    for i in 0..<n where abs(m[i][i]) > 1e-300 {
      let v = m[i][n] / m[i][i]
      if v.isFinite { result[names[i]] = (v * 1e6).rounded() / 1e6 }
    }
    return result
  }
}
