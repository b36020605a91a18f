/// Where a hardware layer of an offload schedule runs (`--placement`).
public enum Placement: String, Sendable, CaseIterable, Codable {
  /// On the engine when the engine can run it, else on the CPU (the default).
  case auto
  /// On the CPU backend, whether or not the engine could run it.
  case cpu
  /// On the engine; a layer the engine cannot run is an error.
  case accelerator
}

extension Placement {
  /// Parses `LAYER=auto|cpu|accelerator` assignments, the last one for a layer winning.
  public static func assignments(_ texts: [String]) throws(FinchOffloadError) -> [String: Placement] {
    var out: [String: Placement] = [:]
    for text in texts {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, let p = Placement(rawValue: parts[1]) else {
        throw .invalidSchedule("placement '\(text)': expected LAYER=auto, LAYER=cpu or LAYER=accelerator")
      }
      out[parts[0]] = p
    }
    return out
  }
}
