import Foundation

/// Folding files in Finch's form (`{"layers": [{"name", "pe", "simd"}]}`) and in
/// FINN's `folding_config.json` form (`{"Defaults": {...}, "<layer>": {"PE": 4,
/// "SIMD": 8, "ram_style": "block", ...}}`).
extension FoldingConfig {
  /// A folding file as read: the entries, and the keys Finch does not use.
  public struct Loaded: Sendable, Equatable {
    public var config: FoldingConfig
    /// `Defaults`, and `<layer>.<key>` for every FINN attribute other than PE and SIMD.
    public var ignored: [String]
  }

  /// Loads a folding file, telling `warning` what it holds that Finch does not use.
  public static func load(path: String, warning: (String) -> Void) throws(FinchCostError) -> FoldingConfig {
    let loaded = try load(path: path)
    if !loaded.ignored.isEmpty {
      warning("folding file \(path): ignoring what Finch does not use: \(loaded.ignored.joined(separator: ", "))")
    }
    return loaded.config
  }

  /// Reads the folding file at `path`, in either form.
  public static func load(path: String) throws(FinchCostError) -> Loaded {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw .invalidFoldingFile(path: path, reason: "cannot read it: \(error.localizedDescription)")
    }
    return try decode(data, path: path)
  }

  /// Decodes a folding file's bytes, in either form; `path` names it in errors.
  public static func decode(_ data: Data, path: String) throws(FinchCostError) -> Loaded {
    guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw .invalidFoldingFile(path: path, reason: "not a JSON object")
    }
    if top["layers"] is [Any] {
      do { return Loaded(config: try JSONDecoder().decode(FoldingConfig.self, from: data), ignored: []) } catch {
        throw .invalidFoldingFile(path: path, reason: "not a Finch folding ({\"layers\": [{\"name\", \"pe\", \"simd\"}]}): \(error)")
      }
    }
    let finn: FINNFile
    do { finn = try JSONDecoder().decode(FINNFile.self, from: data) } catch let error as FinchCostError {
      throw .invalidFoldingFile(path: path, reason: error.description)
    } catch {
      throw .invalidFoldingFile(path: path, reason: "\(error)")
    }
    return Loaded(config: FoldingConfig(layers: finn.entries), ignored: finn.ignored)
  }

  /// This folding in FINN's `folding_config.json` form, each layer with the
  /// attributes its kind has in FINN (MVAU: PE and SIMD; SWU: SIMD; others: PE).
  public func finnJSON(for layers: [HardwareLayer]) throws -> Data {
    var top: [String: Any] = ["Defaults": [String: Any]()]
    let kinds = Dictionary(layers.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
    for entry in self.layers {
      var attributes: [String: Any] = [:]
      let kind = kinds[entry.name]
      if kind != .swu, let pe = entry.pe { attributes["PE"] = pe }
      if kind == .mvau || kind == .swu, let simd = entry.simd { attributes["SIMD"] = simd }
      top[entry.name] = attributes
    }
    return try JSONSerialization.data(withJSONObject: top, options: [.prettyPrinted, .sortedKeys])
  }
}

/// FINN's folding_config.json: layer name -> attributes; `Defaults` and every
/// attribute other than PE and SIMD are skipped (and listed).
private struct FINNFile: Decodable {
  var entries: [FoldingConfig.Entry] = []
  var ignored: [String] = []

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  init(from decoder: any Decoder) throws {
    let top = try decoder.container(keyedBy: Key.self)
    for name in top.allKeys.map(\.stringValue).sorted() {
      if name == "Defaults" {
        ignored.append(name)
        continue
      }
      guard let attributes = try? top.nestedContainer(keyedBy: Key.self, forKey: Key(stringValue: name)) else {
        throw FinchCostError.invalidTarget("'\(name)' is not an object of attributes (FINN form: {\"\(name)\": {\"PE\": 4, \"SIMD\": 8}})")
      }
      var entry = FoldingConfig.Entry(name: name, pe: nil, simd: nil)
      for key in attributes.allKeys.map(\.stringValue).sorted() {
        guard key == "PE" || key == "SIMD" else {
          ignored.append("\(name).\(key)")
          continue
        }
        let k = Key(stringValue: key)
        guard let value = try? attributes.decode(Int.self, forKey: k), value >= 1 else {
          throw FinchCostError.invalidTarget("'\(name)'.\(key) is \(Self.shown(attributes, k)), not a positive integer")
        }
        if key == "PE" { entry.pe = value } else { entry.simd = value }
      }
      entries.append(entry)
    }
  }

  /// An attribute's value as the file wrote it, for errors.
  private static func shown(_ attributes: KeyedDecodingContainer<Key>, _ key: Key) -> String {
    if let d = try? attributes.decode(Double.self, forKey: key) { return "\(d)" }
    if let s = try? attributes.decode(String.self, forKey: key) { return "\"\(s)\"" }
    if let b = try? attributes.decode(Bool.self, forKey: key) { return "\(b)" }
    return "null or a list"
  }
}
