import FinchCost

extension TextReport {
  /// The boards table, then the parts table.
  public static func devices(_ catalogue: DeviceCatalogue) throws -> String {
    let resources = ["LUT", "FF", "DSP", "BRAM18", "EBR", "URAM", "SPRAM"]
    let counts = { (p: Part) in [p.luts, p.ffs, p.dsps, p.bram18, p.ebr4k, p.uram, p.spram].map(String.init) }
    var boards = [["board", "part", "family"] + resources + ["MHz", "GB/s"]]
    for b in catalogue.boards {
      let p = try catalogue.part(of: b)
      boards.append([b.name, p.name, p.family.rawValue] + counts(p) + [TextTable.number(b.clockMHz), TextTable.number(b.bandwidthGBps)])
    }
    var parts = [["part", "family"] + resources + ["LUTRAM", "DSP kind", "MHz"]]
    for p in catalogue.parts {
      parts.append([p.name, p.family.rawValue] + counts(p) + [String(p.lutramLUTs), p.dspKind.rawValue, TextTable.number(p.clockMHz)])
    }
    return TextTable.align(boards, leftColumns: 3) + "\n\n" + TextTable.align(parts, leftColumns: 2)
  }
}
