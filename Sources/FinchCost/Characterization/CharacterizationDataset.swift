import Foundation

/// The characterization sweep's results for one device family: one row per
/// synthesized point with the counts Yosys reported for it standalone.
/// Committed under `Data/characterization/` so fitting and the held-out test
/// never synthesize (`finch characterize` regenerates it).
public struct CharacterizationDataset: Codable, Sendable, Equatable {
  /// One synthesized point.
  public struct Row: Codable, Sendable, Equatable {
    /// The point's ``CharacterizationPoint/key``.
    public var point: String
    public var lut: Int, ff: Int, dsp: Int, bram18: Int, ebr: Int

    public init(point: CharacterizationPoint, synthesized r: Resources) {
      self.point = point.key
      (lut, ff, dsp, bram18, ebr) = (r.lut, r.ff, r.dsp, r.bram18, r.ebr)
    }

    /// The counts as resources.
    public var resources: Resources { Resources(lut: lut, ff: ff, dsp: dsp, bram18: bram18, ebr: ebr) }
  }

  /// A point the tool could not synthesize, and its error.
  public struct Failure: Codable, Sendable, Equatable {
    public var point: String
    public var reason: String
    public init(point: String, reason: String) { (self.point, self.reason) = (point, reason) }
  }

  public var family: DeviceFamily
  /// The part synthesized for (its family decides the Yosys script).
  public var part: String
  /// The synthesis tool and script, e.g. `Yosys 0.23 synth_xilinx -family xc7`.
  public var tool: String
  public var rows: [Row]
  /// Grid points the tool failed on (a tool bug, e.g. Yosys 0.23 cannot map
  /// a deep single-port LUT RAM on xcup), kept out of the fit and named.
  public var failed: [Failure]

  public init(family: DeviceFamily, part: String, tool: String, rows: [Row], failed: [Failure] = []) {
    (self.family, self.part, self.tool, self.rows, self.failed) = (family, part, tool, rows, failed)
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    (family, part, tool) = (try c.decode(DeviceFamily.self, forKey: .family), try c.decode(String.self, forKey: .part), try c.decode(String.self, forKey: .tool))
    rows = try c.decode([Row].self, forKey: .rows)
    failed = try c.decodeIfPresent([Failure].self, forKey: .failed) ?? []
  }

  /// Reads a dataset file.
  public static func read(_ url: URL) throws(FinchCostError) -> CharacterizationDataset {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .invalidDataset(path: url.path, reason: "cannot be read") }
    do { return try JSONDecoder().decode(Self.self, from: data) } catch {
      throw .invalidDataset(path: url.path, reason: "\(error)")
    }
  }

  /// The dataset as JSON, one row per line (diffs stay readable).
  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    func line(_ value: some Encodable) -> String { String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self) }
    let failures = failed.isEmpty ? "" : ", \"failed\": [\n" + failed.map(line).joined(separator: ",\n") + "\n]"
    let text = """
      {"family": "\(family.rawValue)", "part": "\(part)", "tool": "\(tool)", "rows": [
      \(rows.map(line).joined(separator: ",\n"))
      ]\(failures)}

      """
    return Data(text.utf8)
  }
}
