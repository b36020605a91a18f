import Foundation

/// A scatter chart of design points as inline SVG, the points of one Pareto
/// front drawn larger, in a warm colour and joined by a line; hovering a
/// point shows its details (an SVG `<title>`). An axis spanning more than
/// two decades of positive values is logarithmic.
public struct ParetoChart: Sendable {
  public struct Point: Sendable {
    public var x: Double
    public var y: Double
    public var onFront: Bool
    /// What hovering shows.
    public var detail: String

    public init(x: Double, y: Double, onFront: Bool, detail: String) { (self.x, self.y, self.onFront, self.detail) = (x, y, onFront, detail) }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var points: [Point]
  public var width = 560, height = 380

  public init(title: String, xLabel: String, yLabel: String, points: [Point]) {
    (self.title, self.xLabel, self.yLabel, self.points) = (title, xLabel, yLabel, points)
  }

  /// An axis: its range and whether it is logarithmic.
  struct Axis {
    var low: Double, high: Double, log: Bool

    init(_ values: [Double]) {
      let (lo, hi) = (values.min() ?? 0, values.max() ?? 1)
      log = lo > 0 && hi / lo > 100
      if log {
        (low, high) = (Foundation.log10(lo) - 0.05, Foundation.log10(hi) + 0.05)
      } else {
        let pad = hi > lo ? (hi - lo) * 0.06 : max(abs(hi) * 0.1, 1)
        // Counts and rates never go below zero: neither does their axis.
        (low, high) = (lo >= 0 ? max(0, lo - pad) : lo - pad, hi + pad)
      }
    }

    /// Where `v` falls between 0 and 1.
    func fraction(_ v: Double) -> Double { ((log ? Foundation.log10(v) : v) - low) / (high - low) }

    /// Five tick values across the axis.
    var ticks: [Double] { (0...4).map { i in let t = low + (high - low) * Double(i) / 4; return log ? pow(10, t) : t } }
  }

  /// The chart as SVG text.
  public var svg: String {
    let (left, right, top, bottom) = (70.0, 16.0, 34.0, 46.0)
    let (pw, ph) = (Double(width) - left - right, Double(height) - top - bottom)
    let (xa, ya) = (Axis(points.map(\.x)), Axis(points.map(\.y)))
    func px(_ v: Double) -> Double { left + xa.fraction(v) * pw }
    func py(_ v: Double) -> Double { top + ph - ya.fraction(v) * ph }
    var out = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" class=\"pareto-chart\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
      "<text x=\"\(f(Double(width) / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(HTMLPage.escape(title))</text>",
      "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#999\"/>",
    ]
    for t in xa.ticks {
      out.append("<text x=\"\(f(px(t)))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\">\(HTMLPage.escape(Self.tick(t)))</text>")
    }
    for t in ya.ticks {
      out.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(HTMLPage.escape(Self.tick(t)))</text>")
    }
    out.append(
      "<text x=\"\(f(left + pw / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">\(HTMLPage.escape(xLabel + (xa.log ? " (log)" : "")))</text>")
    out.append(
      "<text transform=\"translate(14 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLPage.escape(yLabel + (ya.log ? " (log)" : "")))</text>")
    let front = points.filter(\.onFront).sorted { $0.x < $1.x }
    if front.count > 1 {
      out.append(
        "<polyline class=\"front\" fill=\"none\" stroke=\"#e15759\" stroke-width=\"1.5\" points=\"\(front.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " "))\"/>")
    }
    for p in points.sorted(by: { !$0.onFront && $1.onFront }) {
      out.append(
        "<circle class=\"\(p.onFront ? "point on-front" : "point")\" cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"\(p.onFront ? 5 : 3.5)\" "
          + "fill=\"\(p.onFront ? "#e15759" : "#4e79a7")\" fill-opacity=\"0.85\"><title>\(HTMLPage.escape(p.detail))</title></circle>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n")
  }

  /// A tick label: three significant digits, thousands as k and millions as M.
  static func tick(_ v: Double) -> String {
    let a = abs(v)
    if a >= 1e6 { return String(format: "%.3gM", v / 1e6) }
    if a >= 1e3 { return String(format: "%.3gk", v / 1e3) }
    return String(format: "%.3g", v)
  }

  private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
