import Foundation

/// A horizontal bar chart as inline SVG: one bar per item, its label on the
/// left and its value on the right; hovering a bar shows its details (an
/// SVG `<title>`); highlighted bars (the bottleneck) are drawn in a warm colour.
public struct BarChart: Sendable {
  public struct Bar: Sendable {
    public var label: String
    public var value: Double
    /// What hovering shows.
    public var detail: String
    public var highlight: Bool

    public init(label: String, value: Double, detail: String = "", highlight: Bool = false) {
      (self.label, self.value, self.detail, self.highlight) = (label, value, detail, highlight)
    }
  }

  public var title: String
  public var bars: [Bar]
  /// How values print (e.g. `{ "\($0) cycles" }`).
  public var format: @Sendable (Double) -> String
  /// The value the full width stands for (nil: the largest bar's).
  public var scaleMax: Double?
  public var width = 540

  public init(title: String, bars: [Bar], scaleMax: Double? = nil, format: @escaping @Sendable (Double) -> String = { String(format: "%g", $0) }) {
    (self.title, self.bars, self.scaleMax, self.format) = (title, bars, scaleMax, format)
  }

  /// The chart as SVG text.
  public var svg: String {
    let (labelWidth, valueWidth, row, top) = (150.0, 110.0, 18.0, 30.0)
    let height = Int(top + Double(bars.count) * row + 10)
    let plot = Double(width) - labelWidth - valueWidth
    let top1 = max(scaleMax ?? 0, bars.map(\.value).max() ?? 0, 1e-300)
    var out = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" class=\"bar-chart\">",
      "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(HTMLPage.escape(title))</text>",
    ]
    for (i, b) in bars.enumerated() {
      let y = top + Double(i) * row
      let w = max(0, b.value) / top1 * plot
      let label = b.label.count > 24 ? String(b.label.prefix(23)) + "…" : b.label
      out.append(
        "<g class=\"bar\"><title>\(HTMLPage.escape(b.label + ": " + format(b.value) + (b.detail.isEmpty ? "" : "\n" + b.detail)))</title>"
          + "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(y + 12))\" text-anchor=\"end\">\(HTMLPage.escape(label))</text>"
          + "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 2))\" width=\"\(f(w))\" height=\"\(f(row - 5))\" fill=\"\(b.highlight ? "#e15759" : "#4e79a7")\"/>"
          + "<text x=\"\(f(labelWidth + w + 4))\" y=\"\(f(y + 12))\">\(HTMLPage.escape(format(b.value)))</text></g>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n")
  }

  private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
