import Foundation

/// Finch's JSON contract, for stdout (`--json`) and for the JSON files a build
/// writes: one object, snake_case keys, sorted and indented, with a
/// `schema_version` that changes only when a key is renamed or removed.
public enum JSONReport {
  /// The version of every JSON object Finch prints or writes.
  public static let schemaVersion = 1

  /// `value` (which must encode as an object) with `schema_version` added.
  public static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(Versioned(value: value))
  }

  /// Prints `value` as one JSON object on stdout.
  public static func print<T: Encodable>(_ value: T) throws {
    Swift.print(String(decoding: try encode(value), as: UTF8.self))
  }

  /// An object with `schema_version` beside the value's own keys.
  private struct Versioned<T: Encodable>: Encodable {
    var value: T

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }

    func encode(to encoder: any Encoder) throws {
      try value.encode(to: encoder)
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(JSONReport.schemaVersion, forKey: .schemaVersion)
    }
  }
}
