extension Graph {
  /// Reads a graph from the text ``fullText`` prints (or ``text`` prints, when
  /// every constant shows its values): `Graph(parsing: g.fullText) == g`, and
  /// printing the result gives the same text.
  ///
  /// ```
  /// graph tiny
  ///   input x: INT4[1,3]
  ///   const w: INT2[3,2] = [1.0,-1.0,0.0,1.0,-2.0,1.0]
  ///   mm = MatMul(x: INT4[1,3], w: INT2[3,2]) -> y: INT8[1,2]
  ///   output y: INT8[1,2]
  /// ```
  ///
  /// One statement a line: `graph NAME` first, then `input NAME: TYPE`,
  /// `const NAME: TYPE = [v,...]`, nodes `NAME = OP{attr=value, ...}(operands) ->
  /// operands` and `output NAME: TYPE`. An operand is `NAME: TYPE` or `_` (an
  /// omitted input); a type is `DATATYPE[dims]`, with `/int64` or `/float32` after
  /// the datatype when the container is not the one it implies, or `?` (no type).
  /// Attributes take their ONNX/QONNX/FINN names (``Op/attributes``); absent ones
  /// take their ONNX defaults. Blank lines and lines starting with `//` are
  /// skipped. Types written on operands must agree with the value's definition.
  ///
  /// The graph is read as written, not verified: call ``verify()`` before
  /// running or transforming it.
  ///
  /// - Throws: ``IRError/syntax(line:column:reason:)`` naming where the text
  ///   stops making sense.
  public init(parsing text: String) throws(IRError) {
    var p = IRParser(text)
    self = try p.graph()
  }
}

/// A recursive-descent reader of the printed IR, over UTF-8 bytes.
private struct IRParser {
  let bytes: [UInt8]
  var i = 0
  var line = 1
  var lineStart = 0

  /// A written type to check against the value's definition once all are read.
  struct Use {
    var name: String
    var type: ValueType?
    var line: Int
    var column: Int
  }
  var uses: [Use] = []
  /// The line each value is defined on.
  var defined: [String: Int] = [:]

  init(_ text: String) { bytes = Array(text.utf8) }

  var column: Int { i - lineStart + 1 }

  func error(_ reason: String, column: Int? = nil, line: Int? = nil) -> IRError {
    .syntax(line: line ?? self.line, column: column ?? self.column, reason: reason)
  }

  var current: UInt8? { i < bytes.count ? bytes[i] : nil }

  mutating func skipSpaces() {
    while let c = current, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { i += 1 }
  }

  /// Whether the text continues with `s` (after spaces); consumes it when it does.
  mutating func take(_ s: String) -> Bool {
    skipSpaces()
    let u = Array(s.utf8)
    guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { return false }
    i += u.count
    return true
  }

  mutating func expect(_ s: String, _ what: String) throws(IRError) {
    guard take(s) else { throw error("expected \(what)\(found)") }
  }

  /// `, found 'x'` describing what stands at the current position.
  var found: String {
    guard let c = current else { return ", found the end of the text" }
    if c == UInt8(ascii: "\n") { return ", found the end of the line" }
    let end = bytes[i...].prefix(16).firstIndex(of: UInt8(ascii: "\n")) ?? Swift.min(i + 16, bytes.count)
    return ", found '\(String(decoding: bytes[i..<end], as: UTF8.self))'"
  }

  /// Skips blank lines and `//` comment lines; false at the end of the text.
  mutating func nextStatement() -> Bool {
    while true {
      skipSpaces()
      guard let c = current else { return false }
      if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
        newline()
      } else if c == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") {
        while let d = current, d != UInt8(ascii: "\n") { i += 1 }
      } else {
        return true
      }
    }
  }

  mutating func newline() {
    if current == UInt8(ascii: "\r") { i += 1 }
    if current == UInt8(ascii: "\n") { i += 1 }
    line += 1
    lineStart = i
  }

  mutating func endOfLine() throws(IRError) {
    skipSpaces()
    guard current == nil || current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r") else {
      throw error("expected the end of the line\(found)")
    }
    if current != nil { newline() }
  }

  // MARK: Tokens

  /// A plain or quoted name.
  mutating func name(_ what: String) throws(IRError) -> String {
    skipSpaces()
    if current == UInt8(ascii: "\"") { return try quoted() }
    let start = i
    while let c = current, IRText.isNameByte(c) || c == UInt8(ascii: ":") { i += 1 }
    while i > start && bytes[i - 1] == UInt8(ascii: ":") { i -= 1 }
    guard i > start else { throw error("expected \(what)\(found)") }
    return String(decoding: bytes[start..<i], as: UTF8.self)
  }

  /// A quoted string (documentation, metadata).
  mutating func string(_ what: String) throws(IRError) -> String {
    skipSpaces()
    guard current == UInt8(ascii: "\"") else { throw error("expected \(what) in double quotes\(found)") }
    return try quoted()
  }

  mutating func quoted() throws(IRError) -> String {
    let startColumn = column
    i += 1
    var scalars = String.UnicodeScalarView()
    var run = i
    func flush(_ p: inout IRParser) { scalars.append(contentsOf: String(decoding: p.bytes[run..<p.i], as: UTF8.self).unicodeScalars) }
    while true {
      guard let c = current, c != UInt8(ascii: "\n") else { throw error("unterminated quoted name", column: startColumn) }
      if c == UInt8(ascii: "\"") {
        flush(&self)
        i += 1
        return String(scalars)
      }
      guard c == UInt8(ascii: "\\") else {
        i += 1
        continue
      }
      flush(&self)
      i += 1
      switch current {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "u"):
        i += 1
        guard current == UInt8(ascii: "{") else { throw error("expected '{' after \\u") }
        i += 1
        let start = i
        while let d = current, d != UInt8(ascii: "}") && d != UInt8(ascii: "\n") { i += 1 }
        guard current == UInt8(ascii: "}"), let v = UInt32(String(decoding: bytes[start..<i], as: UTF8.self), radix: 16),
          let u = Unicode.Scalar(v)
        else { throw error("invalid \\u{...} escape") }
        scalars.append(u)
      default:
        throw error("unknown escape in a quoted name\(found)")
      }
      i += 1
      run = i
    }
  }

  /// A run of bytes up to one of `stops` (outside `<...>`), trimmed of spaces.
  mutating func word(until stops: Set<UInt8>) -> String {
    skipSpaces()
    let start = i
    var depth = 0
    while let c = current, c != UInt8(ascii: "\n") {
      if c == UInt8(ascii: "<") { depth += 1 }
      if c == UInt8(ascii: ">") { depth -= 1 }
      if depth <= 0 && stops.contains(c) { break }
      i += 1
    }
    var end = i
    while end > start && (bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// `[a,b,...]` as raw words (empty for `[]`).
  mutating func list() throws(IRError) -> [Substring] {
    try expect("[", "'['")
    let start = i
    while let c = current, c != UInt8(ascii: "]"), c != UInt8(ascii: "\n") { i += 1 }
    guard current == UInt8(ascii: "]") else { throw error("expected ']'\(found)") }
    let body = String(decoding: bytes[start..<i], as: UTF8.self)
    i += 1
    let items = body.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
    return items.count == 1 && items[0].isEmpty ? [] : items
  }

  // MARK: Types

  /// `?`, or `DATATYPE[/container][dims]`.
  mutating func type() throws(IRError) -> ValueType? {
    if take("?") { return nil }
    let startColumn = column
    let dtName = word(until: [UInt8(ascii: "["), UInt8(ascii: "/")])
    guard let dataType = DataType(finnName: dtName) else {
      throw error("'\(dtName)' is not a datatype (INT4, UINT8, BIPOLAR, FIXED<8,1>, FLOAT32, ...)", column: startColumn)
    }
    var element: ElementType = dataType == .int(64) ? .int64 : .float32
    if take("/") {
      let c = column
      let e = word(until: [UInt8(ascii: "[")])
      guard let named = ElementType(rawValue: e) else { throw error("'\(e)' is not a container (float32 or int64)", column: c) }
      element = named
    }
    let c = column
    var dims: [Int] = []
    for d in try list() {
      guard let v = Int(d) else { throw error("dimension '\(d)' is not an integer", column: c) }
      dims.append(v)
    }
    do {
      return ValueType(shape: try Shape.validated(dims), elementType: element, dataType: dataType)
    } catch {
      throw self.error(error.description, column: c)
    }
  }

  /// `NAME: TYPE`, or `_` for an omitted value (an empty name).
  mutating func operand() throws(IRError) -> Use {
    skipSpaces()
    let (l, c) = (line, column)
    if current == UInt8(ascii: "_"), i + 1 >= bytes.count || !IRText.isNameByte(bytes[i + 1]) && bytes[i + 1] != UInt8(ascii: ":") {
      i += 1
      return Use(name: "", type: nil, line: l, column: c)
    }
    let n = try name("a value name")
    try expect(":", "':' and the type of '\(n)'")
    return Use(name: n, type: try type(), line: l, column: c)
  }

  // MARK: Statements

  /// Records the definition of `name` at `use`'s position, refusing a second one.
  mutating func define(_ use: Use) throws(IRError) {
    if let previous = defined[use.name] {
      throw error("'\(use.name)' is already defined on line \(previous)", column: use.column, line: use.line)
    }
    defined[use.name] = use.line
  }

  mutating func graph() throws(IRError) -> Graph {
    guard nextStatement(), take("graph") else { throw error("expected 'graph NAME' first\(found)") }
    var g = Graph(name: try name("the graph's name"), inputs: [], outputs: [], nodes: [], initializers: [:], types: [:])
    try endOfLine()
    var nodeNames = Set<String>()
    while nextStatement() {
      let (l, c) = (line, column)
      let quotedFirst = current == UInt8(ascii: "\"")
      let first = try name("a statement")
      skipSpaces()
      let keyword = current != UInt8(ascii: "=") && !quotedFirst ? first : ""
      switch keyword {
      case "doc":
        g.docString = try string("the graph's documentation")
      case "metadata":
        let key = try string("a metadata key")
        g.metadata[key] = try string("the value of metadata '\(key)'")
      case "input", "output", "const":
        let value = try operand()
        guard !value.name.isEmpty else { throw error("expected a value name", column: value.column) }
        if keyword == "input" {
          try define(value)
          g.inputs.append(value.name)
          g.types[value.name] = value.type
        } else if keyword == "output" {
          g.outputs.append(value.name)
          uses.append(value)
        } else {
          try define(value)
          guard let t = value.type else { throw error("constant '\(value.name)' needs a type", column: value.column) }
          g.addConstant(value.name, try values(of: value.name, t), dataType: t.dataType)
        }
      default:
        let (node, outputs) = try self.node(named: first)
        guard nodeNames.insert(node.name).inserted else { throw error("node name '\(node.name)' is used more than once", column: c, line: l) }
        g.nodes.append(node)
        for out in outputs where !out.name.isEmpty {
          try define(out)
          g.types[out.name] = out.type
        }
      }
      try endOfLine()
    }
    for use in uses where !use.name.isEmpty {
      guard defined[use.name] != nil else { throw error("'\(use.name)' is not defined", column: use.column, line: use.line) }
      guard use.type == g.types[use.name] else {
        throw error(
          "'\(use.name)' is written as \(use.type.map(\.description) ?? "?") but defined as \(g.types[use.name].map(\.description) ?? "?")",
          column: use.column, line: use.line)
      }
    }
    return g
  }

  /// ` = [v,...]`: the values of a constant of type `t`.
  mutating func values(of name: String, _ t: ValueType) throws(IRError) -> Tensor {
    guard take("=") else { throw error("constant '\(name)' has no values (text leaves out large ones; print the graph's fullText)") }
    let c = column
    let items = try list()
    guard items.count == t.shape.elementCount else {
      throw error("constant '\(name)' has \(items.count) values; its shape \(t.shape) needs \(t.shape.elementCount)", column: c)
    }
    func read<T>(_ make: (Substring) -> T?, _ what: String) throws(IRError) -> [T] {
      var v: [T] = []
      v.reserveCapacity(items.count)
      for item in items {
        guard let x = make(item) else { throw error("'\(item)' in constant '\(name)' is not \(what)", column: c) }
        v.append(x)
      }
      return v
    }
    switch t.elementType {
    case .float32: return Tensor(shape: t.shape, floats: try read({ Float($0) }, "a float"))
    case .int64: return Tensor(shape: t.shape, int64s: try read({ Int64($0) }, "a 64-bit integer"))
    }
  }

  /// The rest of a node line after its name; the outputs come back with their types, as definitions.
  mutating func node(named name: String) throws(IRError) -> (Node, [Use]) {
    try expect("=", "'=' after the node name '\(name)'")
    skipSpaces()
    let opColumn = column
    let typeName = word(until: [UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: " ")])
    let attributes = ParsedAttributes(line: line)
    if take("{") {
      repeat {
        let c = column
        let key = try self.name("an attribute name")
        try expect("=", "'=' after attribute '\(key)'")
        skipSpaces()
        let valueColumn = column
        let raw: String
        if current == UInt8(ascii: "\"") {
          raw = try quoted()
        } else if current == UInt8(ascii: "[") {
          let start = i
          _ = try list()
          raw = String(decoding: bytes[start..<i], as: UTF8.self)
        } else {
          raw = word(until: [UInt8(ascii: ","), UInt8(ascii: "}")])
        }
        guard attributes.values.updateValue((raw, valueColumn, c), forKey: key) == nil else {
          throw error("attribute '\(key)' is given twice", column: c)
        }
      } while take(",")
      try expect("}", "',' or '}' in the attributes")
    }
    let op: Op
    do { op = try Op(typeName: typeName, attributes: attributes) } catch {
      if case .syntax(let l, _, let reason) = error, reason.hasSuffix("unsupported op") {
        throw .syntax(line: l, column: opColumn, reason: "'\(typeName)' is not an op Finch knows")
      }
      throw error
    }
    if let unknown = attributes.values.keys.sorted().first(where: { !attributes.read.contains($0) }) {
      throw error(
        "\(typeName) has no attribute '\(unknown)'; it has \(op.attributes.map(\.name).joined(separator: ", "))",
        column: attributes.values[unknown]!.nameColumn)
    }
    try expect("(", "'(' and the inputs of '\(name)'")
    var inputs: [String] = []
    if !take(")") {
      repeat {
        let use = try operand()
        inputs.append(use.name)
        uses.append(use)
      } while take(",")
      try expect(")", "',' or ')' after an input")
    }
    try expect("->", "'->' and the outputs of '\(name)'")
    var outputs: [Use] = []
    repeat { outputs.append(try operand()) } while take(",")
    let doc = take("doc") ? try string("the node's documentation") : ""
    return (Node(name: name, op: op, inputs: inputs, outputs: outputs.map(\.name), docString: doc), outputs)
  }
}

/// The attributes of one parsed node line, by name: raw text and column.
private final class ParsedAttributes: AttributeSource {
  var values: [String: (raw: String, column: Int, nameColumn: Int)] = [:]
  /// The attributes the op has read, so that any other is reported.
  var read = Set<String>()
  let line: Int

  init(line: Int) { self.line = line }

  func fail(_ field: String, _ reason: String) -> IRError {
    .syntax(line: line, column: values[field]?.column ?? 1, reason: "attribute \(field): \(reason)")
  }

  func has(_ name: String) -> Bool { values[name] != nil }

  private func raw(_ name: String) -> String? {
    read.insert(name)
    return values[name]?.raw
  }

  func int(_ name: String, _ fallback: Int?) throws(IRError) -> Int {
    guard let text = raw(name) else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard let v = Int(text) else { throw fail(name, "'\(text)' is not an integer") }
    guard Attribute.integerRange.contains(v) else { throw fail(name, "value \(v) is out of range") }
    return v
  }

  func float(_ name: String, _ fallback: Float?) throws(IRError) -> Float {
    guard let text = raw(name) else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard let v = Float(text) else { throw fail(name, "'\(text)' is not a number") }
    guard !v.isNaN else { throw fail(name, "is NaN") }
    return v
  }

  func ints(_ name: String, _ fallback: [Int]?) throws(IRError) -> [Int] {
    guard let text = raw(name) else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    guard text.hasPrefix("["), text.hasSuffix("]") else { throw fail(name, "'\(text)' is not a list [a,b,...]") }
    let body = text.dropFirst().dropLast().trimmed
    let items = body.isEmpty ? [] : body.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmed) }
    guard items.count <= Attribute.maxListCount else { throw fail(name, "has \(items.count) values; at most \(Attribute.maxListCount)") }
    let values = items.compactMap { $0 }
    guard values.count == items.count, values.allSatisfy(Attribute.integerRange.contains) else {
      throw fail(name, "\(text) is not a list of integers in \(Attribute.integerRange)")
    }
    return values
  }

  func string(_ name: String, _ fallback: String?) throws(IRError) -> String {
    guard let text = raw(name) else {
      guard let fallback else { throw fail(name, "required attribute is missing") }
      return fallback
    }
    return text
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces and tabs.
  fileprivate var trimmed: Substring {
    let s = Substring(self)
    func blank(_ c: Character) -> Bool { c == " " || c == "\t" }
    guard let start = s.firstIndex(where: { !blank($0) }), let end = s.lastIndex(where: { !blank($0) }) else { return s[s.endIndex...] }
    return s[start...end]
  }
}
