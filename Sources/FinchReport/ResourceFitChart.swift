import FinchCost
import Foundation

/// Estimated against synthesized LUTs of the held-out characterization
/// points as a self-contained SVG: one log-log panel per device family, one
/// marker (class `point`) per point coloured by module, the diagonal and a
/// ±10% band.
public struct ResourceFitChart: Sendable {
  /// Held-out samples and the coefficients to estimate them with.
  public var samples: [ResourceFit.Sample]
  public var coefficients: ResourceCoefficients

  public init(samples: [ResourceFit.Sample], coefficients: ResourceCoefficients) {
    (self.samples, self.coefficients) = (samples, coefficients)
  }

  /// Module colours (Tableau 10), in ``CharacterizationPoint/Module`` order.
  static let colours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"]

  /// The chart as SVG text.
  public var svg: String {
    let families = DeviceFamily.allCases.filter { f in samples.contains { $0.family == f } }
    let panel = 340.0, margin = 56.0, top = 44.0
    let width = Int(margin + Double(families.count) * (panel + margin) + 130), height = Int(top + panel + 60)
    let all = samples.flatMap { [Double(max($0.synthesized.lut, 1)), Double(max(coefficients.resources($0.terms, on: $0.family).lut, 1))] }
    let (lo, hi) = (floor(log10(all.min() ?? 1)), ceil(log10(all.max() ?? 10)))
    func scale(_ v: Double) -> Double { (log10(max(v, 1)) - lo) / max(hi - lo, 1) * panel }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }
    var out = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
      "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">Held-out points: estimated vs Yosys LUTs (log-log, ±10% band)</text>",
    ]
    for (i, family) in families.enumerated() {
      let x0 = margin + Double(i) * (panel + margin), y0 = top + panel
      out.append("<g class=\"panel\" data-family=\"\(family.rawValue)\">")
      out.append("<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(panel))\" height=\"\(f(panel))\" fill=\"none\" stroke=\"#444\"/>")
      let band = [(1.1, 1.0), (1 / 1.1, 1.0)].map { k, _ in
        "M\(f(x0)),\(f(y0 - scale(pow(10, lo) * k))) L\(f(x0 + panel)),\(f(y0 - scale(pow(10, hi) * k)))"
      }
      out.append("<path d=\"\(band.joined(separator: " "))\" stroke=\"#bbbbbb\" stroke-dasharray=\"4 3\" fill=\"none\"/>")
      out.append("<path d=\"M\(f(x0)),\(f(y0)) L\(f(x0 + panel)),\(f(top))\" stroke=\"#888888\" fill=\"none\"/>")
      for e in Int(lo)...Int(hi) {
        let d = scale(pow(10, Double(e)))
        out.append("<text x=\"\(f(x0 + d))\" y=\"\(f(y0 + 14))\" text-anchor=\"middle\">1e\(e)</text>")
        out.append("<text x=\"\(f(x0 - 4))\" y=\"\(f(y0 - d + 4))\" text-anchor=\"end\">1e\(e)</text>")
      }
      out.append("<text x=\"\(f(x0 + panel / 2))\" y=\"\(f(y0 + 32))\" text-anchor=\"middle\">\(family.rawValue): Yosys LUTs</text>")
      for s in samples where s.family == family {
        let e = coefficients.resources(s.terms, on: family).lut
        let colour = Self.colours[(CharacterizationPoint.Module.allCases.firstIndex(of: s.point.module) ?? 0) % Self.colours.count]
        out.append(
          "<circle class=\"point\" cx=\"\(f(x0 + scale(Double(s.synthesized.lut))))\" cy=\"\(f(y0 - scale(Double(e))))\" r=\"2.6\" fill=\"\(colour)\" fill-opacity=\"0.75\"><title>\(s.point.key): Yosys \(s.synthesized.lut), estimate \(e)</title></circle>"
        )
      }
      out.append("</g>")
    }
    let legendX = Double(width) - 120
    for (i, module) in CharacterizationPoint.Module.allCases.enumerated() {
      let y = top + 14 + Double(i) * 18
      out.append("<circle cx=\"\(f(legendX))\" cy=\"\(f(y - 4))\" r=\"4\" fill=\"\(Self.colours[i % Self.colours.count])\"/>")
      out.append("<text x=\"\(f(legendX + 10))\" y=\"\(f(y))\">\(module.rawValue)</text>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }
}
