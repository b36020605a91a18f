import Foundation

/// A self-contained HTML page: one file with inline CSS and SVG, no script
/// and nothing fetched, so it opens the same from a disk, a mail or an
/// archive. Sections are added in order; ``html`` is the page.
public struct HTMLPage: Sendable {
  public var title: String
  private var body: [String] = []

  public init(title: String) { self.title = title }

  /// Adds a section: a heading and its HTML (already escaped where it holds text).
  public mutating func section(_ heading: String, _ html: String) {
    body.append("<section><h2>\(Self.escape(heading))</h2>\n\(html)\n</section>")
  }

  /// A paragraph of text.
  public static func paragraph(_ text: String) -> String { "<p>\(escape(text))</p>" }

  /// A table: `header`, then `rows` (text, escaped here); columns from
  /// `numericFrom` on are right-aligned; rows in `highlight` are marked.
  public static func table(_ header: [String], _ rows: [[String]], numericFrom: Int = 1, highlight: Set<Int> = []) -> String {
    func cells(_ row: [String], _ tag: String) -> String {
      row.enumerated().map { i, c in "<\(tag)\(i >= numericFrom ? " class=\"n\"" : "")>\(escape(c))</\(tag)>" }.joined()
    }
    let head = "<thead><tr>\(cells(header, "th"))</tr></thead>"
    let rows = rows.enumerated().map { i, r in "<tr\(highlight.contains(i) ? " class=\"hot\"" : "")>\(cells(r, "td"))</tr>" }
    return "<table>\(head)<tbody>\n\(rows.joined(separator: "\n"))\n</tbody></table>"
  }

  /// The page.
  public var html: String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(Self.escape(title))</title>
    <style>
    body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
    h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
    table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
    th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
    th { background: #f4f4f4; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    tr.hot td { background: #fde8d8; font-weight: bold; }
    .charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; } svg { max-width: 100%; height: auto; }
    footer { margin-top: 32px; font-size: 12px; color: #777; }
    </style>
    </head>
    <body>
    <h1>\(Self.escape(title))</h1>
    \(body.joined(separator: "\n"))
    <footer>Written by Finch. Estimates are the cost models' (Docs/cost-model.md, Docs/power.md); synthesized figures are Yosys's.</footer>
    </body>
    </html>

    """
  }

  /// `text` with HTML's special characters escaped (also inside SVG).
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(c)
      }
    }
    return out
  }
}
