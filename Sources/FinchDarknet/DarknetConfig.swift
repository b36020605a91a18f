import Foundation

/// A Darknet `.cfg` file: its sections in order, each with its `key=value`
/// options and the line each came from.
///
/// Darknet's syntax: `[name]` opens a section, `key=value` sets an option,
/// lines starting with `#` or `;` are comments, whitespace is ignored
/// anywhere in a line. Finch is stricter than Darknet where Darknet is
/// silent: an option before the first section, a line that is neither, or a
/// key given twice in a section is an error naming the file and line.
public struct DarknetConfig: Sendable, Equatable {
  /// One `[name]` section.
  public struct Section: Sendable, Equatable {
    /// The name between the brackets, lower-cased.
    public var name: String
    /// The line of the `[name]` header (1-based).
    public var line: Int
    /// Options by key, with their lines.
    public var options: [String: (value: String, line: Int)]

    public static func == (a: Section, b: Section) -> Bool {
      a.name == b.name && a.line == b.line && a.options.mapValues(\.value) == b.options.mapValues(\.value)
    }
  }

  /// The file it was read from (for messages).
  public var file: String
  public var sections: [Section]

  /// Parses `text`, the contents of `file`.
  public init(text: String, file: String) throws(DarknetError) {
    self.file = file
    sections = []
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = index + 1
      let stripped = String(raw.filter { !$0.isWhitespace })
      guard let first = stripped.first, first != "#", first != ";" else { continue }
      if first == "[" {
        guard stripped.last == "]", stripped.count > 2 else { throw .config(file: file, line: line, reason: "a section header is '[name]', not '\(stripped)'") }
        sections.append(Section(name: String(stripped.dropFirst().dropLast()).lowercased(), line: line, options: [:]))
        continue
      }
      guard let equals = stripped.firstIndex(of: "="), equals != stripped.startIndex else {
        throw .config(file: file, line: line, reason: "expected 'key=value' or '[section]', found '\(stripped)'")
      }
      guard !sections.isEmpty else { throw .config(file: file, line: line, reason: "'\(stripped)' comes before the first [section]") }
      let key = String(stripped[..<equals]), value = String(stripped[stripped.index(after: equals)...])
      if let earlier = sections[sections.count - 1].options[key] {
        throw .config(file: file, line: line, reason: "'\(key)' is set again (first on line \(earlier.line))")
      }
      sections[sections.count - 1].options[key] = (value, line)
    }
    guard !sections.isEmpty else { throw .config(file: file, line: 1, reason: "no [net] section: not a Darknet .cfg") }
  }

  /// Reads and parses the file at `path`.
  public static func load(path: String) throws(DarknetError) -> DarknetConfig {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .io(file: path, reason: "cannot read: \(error.localizedDescription)") }
    guard data.count <= 16 << 20 else { throw .io(file: path, reason: "\(data.count) bytes: too large for a .cfg (at most 16 MiB)") }
    guard let text = String(data: data, encoding: .utf8) else { throw .config(file: path, line: 1, reason: "not UTF-8 text") }
    return try DarknetConfig(text: text, file: path)
  }
}
