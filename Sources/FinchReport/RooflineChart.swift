import FinchCost
import Foundation

/// A roofline as a self-contained SVG: log-log axes, one roof per precision, one
/// marker per network and memory mode, and a legend.
///
/// Each roof is one `<path class="roof">` (the bandwidth slope up to the ridge, then
/// the compute ceiling); each network point is one element of class `marker`
/// (a filled circle with weights on chip, an open square with weights off chip).
public struct RooflineChart: Sendable {
  /// The numbers to draw.
  public var roofline: Roofline
  /// Image width in pixels.
  public var width = 960
  /// Image height in pixels.
  public var height = 600

  /// A chart of `roofline`.
  public init(_ roofline: Roofline) { self.roofline = roofline }

  /// Colours of the roofs, in precision order (Tableau 10).
  static let roofColours = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#9c755f", "#76b7b2", "#edc948"]
  /// Colours of the networks.
  static let networkColours = ["#222222", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

  private let plotLeft = 86.0, plotTop = 56.0, plotBottomMargin = 62.0, legendWidth = 280.0

  /// The chart as SVG text.
  public var svg: String {
    let plotRight = Double(width) - legendWidth
    let plotBottom = Double(height) - plotBottomMargin
    let (x0, x1, y0, y1) = ranges
    let xScale = { (x: Double) in self.plotLeft + (log10(x) - x0) / (x1 - x0) * (plotRight - self.plotLeft) }
    let yScale = { (y: Double) in plotBottom - (log10(y) - y0) / (y1 - y0) * (plotBottom - self.plotTop) }

    var out: [String] = []
    out.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">")
    out.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
    let r = roofline
    out.append(
      "<text x=\"\(Double(width) / 2)\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">"
        + escape("Roofline: \(r.board) (\(r.part)) at \(number(r.clockMHz)) MHz, \(number(r.bandwidthGBps)) GB/s off-chip")
        + "</text>")

    // Grid, ticks and tick labels, one per decade.
    out.append("<g class=\"axes\" stroke=\"#dddddd\" stroke-width=\"1\">")
    for e in Int(x0)...Int(x1) {
      let x = fmt(xScale(pow(10, Double(e))))
      out.append("<line x1=\"\(x)\" y1=\"\(fmt(plotTop))\" x2=\"\(x)\" y2=\"\(fmt(plotBottom))\"/>")
    }
    for e in Int(y0)...Int(y1) {
      let y = fmt(yScale(pow(10, Double(e))))
      out.append("<line x1=\"\(fmt(plotLeft))\" y1=\"\(y)\" x2=\"\(fmt(plotRight))\" y2=\"\(y)\"/>")
    }
    out.append("</g>")
    out.append(
      "<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(plotTop))\" width=\"\(fmt(plotRight - plotLeft))\" "
        + "height=\"\(fmt(plotBottom - plotTop))\" fill=\"none\" stroke=\"#444444\"/>")
    out.append("<g class=\"tick-labels\" fill=\"#333333\">")
    for e in Int(x0)...Int(x1) {
      out.append(
        "<text x=\"\(fmt(xScale(pow(10, Double(e)))))\" y=\"\(fmt(plotBottom + 18))\" text-anchor=\"middle\">"
          + escape(Self.siLabel(e, unit: "")) + "</text>")
    }
    for e in Int(y0)...Int(y1) {
      out.append(
        "<text x=\"\(fmt(plotLeft - 8))\" y=\"\(fmt(yScale(pow(10, Double(e))) + 4))\" text-anchor=\"end\">"
          + escape(Self.siLabel(e, unit: "op/s")) + "</text>")
    }
    out.append("</g>")
    out.append(
      "<text x=\"\(fmt((plotLeft + plotRight) / 2))\" y=\"\(fmt(Double(height) - 18))\" text-anchor=\"middle\" "
        + "font-size=\"13\">arithmetic intensity (ops per byte of off-chip traffic)</text>")
    let yMid = fmt((plotTop + plotBottom) / 2)
    out.append(
      "<text x=\"18\" y=\"\(yMid)\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 \(yMid))\">"
        + "performance (ops per second)</text>")

    // Roofs: the memory slope (bandwidth · intensity) up to the ridge, then the ceiling.
    let bandwidth = r.bandwidthBytesPerSecond
    let xMin = pow(10, x0), xMax = pow(10, x1), yMin = pow(10, y0)
    out.append("<g class=\"roofs\" fill=\"none\" stroke-width=\"2\">")
    for (i, roof) in r.roofs.enumerated() where roof.peakOpsPerSecond > 0 {
      let start = max(xMin, yMin / bandwidth)
      let colour = Self.roofColours[i % Self.roofColours.count]
      // Roofs with the same peak (8/8 and 16/16 on one DSP each) share a line: draw the
      // later ones dashed and label the ceiling once with every precision on it.
      let same = r.roofs.enumerated().filter { $0.element.peakOpsPerSecond == roof.peakOpsPerSecond }
      let first = same.first?.offset == i
      let dash = first ? "" : " stroke-dasharray=\"6 6\""
      let d =
        "M \(fmt(xScale(start))) \(fmt(yScale(start * bandwidth))) "
        + "L \(fmt(xScale(roof.ridgeIntensity))) \(fmt(yScale(roof.peakOpsPerSecond))) "
        + "L \(fmt(xScale(xMax))) \(fmt(yScale(roof.peakOpsPerSecond)))"
      out.append(
        "<path class=\"roof\" data-precision=\"\(escape(roof.precision.description))\" d=\"\(d)\" stroke=\"\(colour)\"\(dash)>"
          + "<title>\(escape(roofTitle(roof)))</title></path>")
      guard first else { continue }
      let label = same.map(\.element.precision.description).joined(separator: ", ")
      out.append(
        "<text x=\"\(fmt(plotRight - 6))\" y=\"\(fmt(yScale(roof.peakOpsPerSecond) - 5))\" text-anchor=\"end\" "
          + "fill=\"\(colour)\" stroke=\"none\" font-size=\"11\">\(escape(label))</text>")
    }
    out.append("</g>")

    // Network markers. A marker drawn where an earlier one of the same shape already is
    // (two networks with the same I/O and MACs) grows into a ring around it.
    out.append("<g class=\"markers\" stroke-width=\"2\">")
    var placed: [(x: Double, y: Double, memory: MemoryMode)] = []
    for (i, n) in r.networks.enumerated() {
      let colour = Self.networkColours[i % Self.networkColours.count]
      for p in n.points where p.attainableOpsPerSecond > 0 {
        let x = xScale(p.intensity), y = yScale(p.attainableOpsPerSecond)
        let below = placed.filter { $0.memory == p.memory && abs($0.x - x) < 3 && abs($0.y - y) < 3 }.count
        placed.append((x, y, p.memory))
        let title = "<title>\(escape(pointTitle(n, p)))</title>"
        let data = "data-network=\"\(escape(n.network.name))\" data-memory=\"\(p.memory.rawValue)\""
        switch p.memory {
        case .weightsOnChip:
          let fill = below == 0 ? colour : "none"
          out.append(
            "<circle class=\"marker\" \(data) cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(6 + 4 * below)\" fill=\"\(fill)\" "
              + "stroke=\"\(colour)\">\(title)</circle>")
        case .weightsOffChip:
          let half = 5.5 + 4 * Double(below)
          out.append(
            "<rect class=\"marker\" \(data) x=\"\(fmt(x - half))\" y=\"\(fmt(y - half))\" width=\"\(fmt(2 * half))\" "
              + "height=\"\(fmt(2 * half))\" fill=\"\(below == 0 ? "#ffffff" : "none")\" stroke=\"\(colour)\">\(title)</rect>")
        }
      }
    }
    out.append("</g>")
    out.append(legend(left: plotRight + 20))
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// Decades (log10) spanned by the axes: x from the intensities and ridges, y from
  /// the peaks and attainable points, each padded by half a decade and rounded out.
  var ranges: (x0: Double, x1: Double, y0: Double, y1: Double) {
    let r = roofline
    let xs = (r.roofs.map(\.ridgeIntensity) + r.networks.flatMap { $0.points.map(\.intensity) })
      .filter { $0 > 0 && $0.isFinite }
    let ys = (r.roofs.map(\.peakOpsPerSecond) + r.networks.flatMap { $0.points.map(\.attainableOpsPerSecond) })
      .filter { $0 > 0 && $0.isFinite }
    let span = { (values: [Double], fallback: (Double, Double)) -> (Double, Double) in
      guard let lo = values.min(), let hi = values.max() else { return fallback }
      return ((log10(lo) - 0.5).rounded(.down), max((log10(hi) + 0.5).rounded(.up), (log10(lo) - 0.5).rounded(.down) + 1))
    }
    let (x0, x1) = span(xs, (-1, 4))
    let (y0, y1) = span(ys, (6, 12))
    return (x0, x1, y0, y1)
  }

  private func legend(left: Double) -> String {
    var out = ["<g class=\"legend\" font-size=\"12\">"]
    var y = plotTop + 4
    out.append("<text x=\"\(fmt(left))\" y=\"\(fmt(y))\" font-weight=\"bold\">peak per precision (W/A)</text>")
    for (i, roof) in roofline.roofs.enumerated() {
      y += 20
      let colour = Self.roofColours[i % Self.roofColours.count]
      out.append(
        "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y - 4))\" x2=\"\(fmt(left + 22))\" y2=\"\(fmt(y - 4))\" stroke=\"\(colour)\" "
          + "stroke-width=\"3\"/>")
      let text = "\(roof.precision): \(Self.rate(roof.peakOpsPerSecond)) (\(roof.mapping))"
      out.append("<text x=\"\(fmt(left + 30))\" y=\"\(fmt(y))\">\(escape(text))</text>")
    }
    if !roofline.networks.isEmpty {
      y += 32
      out.append("<text x=\"\(fmt(left))\" y=\"\(fmt(y))\" font-weight=\"bold\">networks</text>")
      for (i, n) in roofline.networks.enumerated() {
        y += 20
        let colour = Self.networkColours[i % Self.networkColours.count]
        out.append(
          "<rect x=\"\(fmt(left + 5))\" y=\"\(fmt(y - 10))\" width=\"12\" height=\"8\" fill=\"\(colour)\"/>")
        let main = n.network.precisions.first.map { " \($0.precision)" } ?? ""
        out.append("<text x=\"\(fmt(left + 30))\" y=\"\(fmt(y))\">\(escape(clip(n.network.name, 26) + main))</text>")
      }
      y += 32
      out.append("<circle cx=\"\(fmt(left + 11))\" cy=\"\(fmt(y - 4))\" r=\"6\" fill=\"#555555\"/>")
      out.append("<text x=\"\(fmt(left + 30))\" y=\"\(fmt(y))\">weights on chip</text>")
      y += 20
      out.append(
        "<rect x=\"\(fmt(left + 5.5))\" y=\"\(fmt(y - 9.5))\" width=\"11\" height=\"11\" fill=\"#ffffff\" "
          + "stroke=\"#555555\" stroke-width=\"2\"/>")
      out.append("<text x=\"\(fmt(left + 30))\" y=\"\(fmt(y))\">weights off chip (streamed)</text>")
    }
    out.append("</g>")
    return out.joined(separator: "\n")
  }

  private func roofTitle(_ roof: Roof) -> String {
    var parts: [String] = []
    if roof.dspMACs > 0, let d = roof.dspCost {
      parts.append("\(roof.dspMACs) DSP MACs (\(number(d.dsps)) DSP + \(number(d.luts)) LUT each)")
    }
    if roof.lutMACs > 0 { parts.append("\(roof.lutMACs) LUT MACs (\(number(roof.lutCost.luts)) LUT each)") }
    return "\(roof.precision): \(Self.rate(roof.peakOpsPerSecond)) from " + parts.joined(separator: " + ")
      + "; ridge \(number(roof.ridgeIntensity)) ops/B"
  }

  private func pointTitle(_ n: NetworkRoofline, _ p: RooflinePoint) -> String {
    "\(n.network.name), \(p.memory == .weightsOnChip ? "weights on chip" : "weights off chip"): "
      + "\(number(p.intensity)) ops/B, \(Self.rate(p.attainableOpsPerSecond)) (\(p.bound.rawValue)-bound)"
  }

  /// `10^e` with an SI prefix: `100`, `1k`, `10 G`...
  static func siLabel(_ e: Int, unit: String) -> String {
    let prefixes = [(15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, "")]
    if e < 0 { return e == -1 ? "0.1" : e == -2 ? "0.01" : "1e\(e)" + (unit.isEmpty ? "" : " " + unit) }
    guard let (base, prefix) = prefixes.first(where: { e >= $0.0 }) else { return "1e\(e)" }
    let mantissa = ["1", "10", "100"][min(e - base, 2)]
    if unit.isEmpty { return mantissa + prefix }
    return "\(mantissa) \(prefix)\(unit)"
  }

  /// A rate in ops per second with an SI prefix and three significant digits.
  public static func rate(_ opsPerSecond: Double) -> String {
    for (scale, prefix) in [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where opsPerSecond >= scale {
      return significant(opsPerSecond / scale) + " \(prefix)op/s"
    }
    return significant(opsPerSecond) + " op/s"
  }

  private static func significant(_ v: Double) -> String {
    v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
  }

  private func number(_ v: Double) -> String { String(format: "%g", v) }

  private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

  private func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

  private func escape(_ s: String) -> String { HTMLPage.escape(s) }
}
