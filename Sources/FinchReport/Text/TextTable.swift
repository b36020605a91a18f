import Foundation

/// The one formatter behind every text table Finch prints: rows of cells as
/// columns two spaces apart, the first `leftColumns` left-aligned and the rest
/// right-aligned (numbers), trailing spaces trimmed.
public enum TextTable {
  /// `rows` (the first is usually the header) as aligned text.
  public static func align(_ rows: [[String]], leftColumns: Int = 1) -> String {
    let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c < leftColumns ? cell + pad : pad + cell
      }.joined(separator: "  ").trimmingTrailingSpaces
    }.joined(separator: "\n")
  }

  /// A number without a needless ".0".
  public static func number(_ v: Double) -> String { Int(exactly: v).map(String.init) ?? String(v) }

  /// An integer with thousands separated by commas: `81,234`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(d)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// A rate with one decimal and grouped thousands: `24,414.1` (`grouped` of a finite value only).
  public static func grouped(_ v: Double) -> String {
    guard v.isFinite, v.magnitude < 1e15 else { return String(format: "%.1f", v) }
    let tenths = Int((v.magnitude * 10).rounded())
    return (v < 0 ? "-" : "") + grouped(tenths / 10) + "." + String(tenths % 10)
  }

  /// `used` of `total` with its share in %.
  public static func share(_ used: Int, _ total: Int) -> String {
    total == 0 ? "\(used)/0" : "\(used)/\(total) (\(String(format: "%.1f", 100 * Double(used) / Double(total)))%)"
  }
}

extension String {
  /// The string without the spaces at its end (cheaper than a regular expression, which loads ICU).
  fileprivate var trimmingTrailingSpaces: String {
    var s = Substring(self)
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}
