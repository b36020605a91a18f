import FinchOffload
import Foundation

extension EngineConfiguration {
  /// Reads an engine configuration file (`--engine FILE.json`, the keys of
  /// Docs/offload.md §2, as `engine.json` in an offload build holds them).
  /// Every error names the file, and the key and value at fault: an unknown
  /// or missing key, a value that is not an integer, or one out of range.
  public static func load(path: String) throws(ArchitectureError) -> EngineConfiguration {
    func fail(_ reason: String) -> ArchitectureError { .engineFile(path: path, reason: reason) }
    guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
    guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
      throw fail("not a JSON object")
    }
    let keys = ranges.map(\.field)
    let unknown = json.keys.filter { !keys.contains($0) && $0 != "schema_version" }.sorted()
    guard unknown.isEmpty else {
      throw fail("unknown key\(unknown.count == 1 ? "" : "s") \(quoted(unknown)); an engine has \(keys.joined(separator: ", "))")
    }
    let missing = keys.filter { json[$0] == nil }
    guard missing.isEmpty else { throw fail("missing \(quoted(missing)); an engine has \(keys.joined(separator: ", "))") }
    for key in keys {
      let value = json[key] ?? 0
      guard value as? Int != nil else { throw fail(notInteger(key, value)) }
    }
    do {
      return try JSONDecoder().decode(EngineConfiguration.self, from: data)
    } catch let FinchOffloadError.invalidConfiguration(field, value, reason) {
      throw fail("'\(field)' = \(value): \(reason)")
    } catch let DecodingError.typeMismatch(_, context) {
      // true and false pass `as? Int` above; the decoder refuses them.
      throw fail(notInteger(context.codingPath.first?.stringValue ?? "?", "a boolean"))
    } catch {
      throw fail("not an engine configuration (\(error))")
    }
  }

  private static func quoted(_ keys: [String]) -> String { keys.map { "'\($0)'" }.joined(separator: ", ") }

  private static func notInteger(_ key: String, _ value: Any) -> String { "'\(key)' must be an integer, not \(value)" }
}
