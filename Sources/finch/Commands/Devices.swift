import ArgumentParser
import FinchCost
import FinchReport
import Foundation

/// `finch devices`: the boards and parts of the device catalogue.
struct Devices: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the boards and FPGA parts Finch knows, with their resources, clock and memory bandwidth.",
    discussion: """
      Board and part names are what --board accepts elsewhere (case-insensitive). BRAM18 counts 18 Kb \
      block RAMs (a 36 Kb block is two), EBR iCE40 4 Kb block RAMs, URAM 288 Kb UltraRAMs, SPRAM iCE40 \
      256 Kb RAMs. With --json, print the catalogue as one JSON object ({"boards": [...], "parts": [...]}).
      """)

  @Flag(help: "Print one JSON object instead of tables.")
  var json = false

  func run() throws {
    try Finch.reportingErrors {
      let catalogue = try DeviceCatalogue.bundled()
      if json {
        return try JSONReport.print(catalogue)
      }
      print(try Self.table(catalogue))
    }
  }

  /// The boards table, then the parts table, as aligned text.
  static func table(_ catalogue: DeviceCatalogue) throws -> String {
    let resources = ["LUT", "FF", "DSP", "BRAM18", "EBR", "URAM", "SPRAM"]
    let counts = { (p: Part) in [p.luts, p.ffs, p.dsps, p.bram18, p.ebr4k, p.uram, p.spram].map(String.init) }
    var boards = [["board", "part", "family"] + resources + ["MHz", "GB/s"]]
    for b in catalogue.boards {
      let p = try catalogue.part(of: b)
      boards.append([b.name, p.name, p.family.rawValue] + counts(p) + [number(b.clockMHz), number(b.bandwidthGBps)])
    }
    var parts = [["part", "family"] + resources + ["LUTRAM", "DSP kind", "MHz"]]
    for p in catalogue.parts {
      parts.append([p.name, p.family.rawValue] + counts(p) + [String(p.lutramLUTs), p.dspKind.rawValue, number(p.clockMHz)])
    }
    return align(boards, leftColumns: 3) + "\n\n" + align(parts, leftColumns: 2)
  }

  /// Rows as columns: the first `leftColumns` left-aligned, the rest right-aligned.
  static func align(_ rows: [[String]], leftColumns: Int) -> String {
    let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c < leftColumns ? cell + pad : pad + cell
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }.joined(separator: "\n")
  }

  /// A number without a needless ".0".
  static func number(_ v: Double) -> String { Int(exactly: v).map(String.init) ?? String(v) }
}
