import FinchReport

extension ArchitectureChoice {
  /// What `finch estimate --arch offload|auto` prints: each estimate made
  /// (``TextReport/estimate(_:fastestFPS:requested:)``, ``TextReport/offload(_:)``)
  /// under its name, then the architecture chosen and why.
  public func text(requestedFPS: Double?) -> String {
    var sections: [String] = []
    if let d = dataflow {
      sections.append("dataflow:\n" + TextReport.estimate(d.estimate, fastestFPS: d.fastestFPS, requested: requestedFPS))
    }
    if let o = offload { sections.append("offload:\n" + TextReport.offload(o.report)) }
    sections.append("architecture: \(chosen.rawValue) (\(reason))")
    return sections.joined(separator: "\n\n")
  }
}
