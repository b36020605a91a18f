import FinchCost

extension TextReport {
  /// A compiled model's hardware layers in stream order and the host work around them.
  public static func compile(_ s: CompileSummary, folder: String) -> String {
    var rows: [[String]] = []
    for l in s.layers {
      let attrs = l.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.map(String.init).joined(separator: "x"))" }
      var detail = "\(l.inputType) -> \(l.outputType)"
      if let w = l.weightType { detail += ", weights \(w)" }
      if let a = l.accumulatorType { detail += ", acc \(a)" }
      if l.thresholds > 0 { detail += ", \(l.thresholds) thresholds" }
      if l.xnor == true { detail += ", XNOR" }
      rows.append(["  " + l.op, l.name, attrs.joined(separator: " "), detail])
    }
    var lines = ["compiled \(s.model) -> \(folder)", "hardware layers (stream order):", TextTable.align(rows, leftColumns: 4)]
    for (title, nodes) in [("host prologue", s.host.prologue), ("host epilogue", s.host.epilogue), ("left on host (--allow-host-ops)", s.unlowered)]
    where !nodes.isEmpty {
      lines.append("\(title): " + nodes.map { "\($0.name) (\($0.op): \($0.reason))" }.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }
}
