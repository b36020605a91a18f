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

  public var family: DeviceFamily
  /// The part synthesized for (its family decides the Yosys script).
  public var part: String
  /// The synthesis tool and script, e.g. `Yosys 0.23 synth_xilinx -family xc7`.
  public var tool: String
  public var rows: [Row]

  public init(family: DeviceFamily, part: String, tool: String, rows: [Row]) {
    (self.family, self.part, self.tool, self.rows) = (family, part, tool, rows)
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
    let line = { (row: Row) in String(decoding: (try? encoder.encode(row)) ?? Data(), as: UTF8.self) }
    let text = """
      {"family": "\(family.rawValue)", "part": "\(part)", "tool": "\(tool)", "rows": [
      \(rows.map(line).joined(separator: ",\n"))
      ]}

      """
    return Data(text.utf8)
  }
}
