/// Typed, checked reads of a section's options: every value is parsed and
/// range-checked before use, and keys the section does not know are errors.
extension DarknetConfig.Section {
  /// Fails on the first option whose key is not in `known`.
  func checkKeys(_ known: Set<String>, file: String) throws(DarknetError) {
    for (key, option) in options.sorted(by: { $0.value.line < $1.value.line }) where !known.contains(key) {
      throw .config(file: file, line: option.line, reason: "[\(name)] has no option '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
    }
  }

  /// The integer option `key` in `range`, or `default` when absent (required when nil).
  func int(_ key: String, _ range: ClosedRange<Int>, default value: Int? = nil, file: String) throws(DarknetError) -> Int {
    guard let option = options[key] else {
      guard let value else { throw .config(file: file, line: line, reason: "[\(name)] needs '\(key)'") }
      return value
    }
    guard let n = Int(option.value), range.contains(n) else {
      throw .config(file: file, line: option.line, reason: "\(key)=\(option.value): expected an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return n
  }

  /// The finite positive number option `key`, or nil when absent.
  func positive(_ key: String, file: String) throws(DarknetError) -> Float? {
    guard let option = options[key] else { return nil }
    guard let x = Float(option.value), x.isFinite, x > 0 else {
      throw .config(file: file, line: option.line, reason: "\(key)=\(option.value): expected a finite number above 0")
    }
    return x
  }

  /// The text option `key` among `allowed`, or `default` when absent.
  func choice(_ key: String, _ allowed: [String], default value: String, file: String) throws(DarknetError) -> String {
    guard let option = options[key] else { return value }
    guard allowed.contains(option.value) else {
      throw .config(file: file, line: option.line, reason: "\(key)=\(option.value): expected one of \(allowed.joined(separator: ", "))")
    }
    return option.value
  }

  /// The comma-separated integers of option `key` (required).
  func ints(_ key: String, file: String) throws(DarknetError) -> [Int] {
    guard let option = options[key] else { throw .config(file: file, line: line, reason: "[\(name)] needs '\(key)'") }
    var result: [Int] = []
    for part in option.value.split(separator: ",", omittingEmptySubsequences: false) {
      guard let n = Int(part), abs(n) <= 100_000 else {
        throw .config(file: file, line: option.line, reason: "\(key)=\(option.value): '\(part)' is not a layer index")
      }
      result.append(n)
    }
    return result
  }
}
