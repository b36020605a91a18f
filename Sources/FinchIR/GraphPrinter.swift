extension Graph {
  /// Constants with at most this many values show them in ``text``.
  public static let inlineValueLimit = 16

  /// The graph as readable text: inputs, constants, one line per node with its
  /// attributes and typed inputs and outputs, and outputs. Constants of at most
  /// ``inlineValueLimit`` values show them; larger ones only their type, so a
  /// graph with weights reads back only from ``fullText``.
  ///
  /// ```
  /// graph tfc
  ///   input global_in: UINT8[1,1,28,28]
  ///   const Reshape_0_param0: INT64[2] = [1,784]
  ///   Reshape_0 = Reshape(global_in: UINT8[1,1,28,28], Reshape_0_param0: INT64[2]) -> Reshape_0_out0: UINT8[1,784]
  ///   output Reshape_0_out0: UINT8[1,784]
  /// ```
  ///
  /// Names that are not plain (letters, digits, `_./+-@#$%&~`, and `:` inside)
  /// are written in double quotes; `_` stands for an omitted input and `?` for
  /// a value without a type. See ``init(parsing:)`` for the whole syntax.
  public var text: String { text(valuesUpTo: Self.inlineValueLimit) }

  /// The graph as text with every constant's values in full (floats as the
  /// shortest decimals that read back to the same bits): what
  /// ``init(parsing:)`` reads back into an identical graph.
  public var fullText: String { text(valuesUpTo: .max) }

  private func text(valuesUpTo limit: Int) -> String {
    func typed(_ name: String) -> String {
      name.isEmpty ? "_" : "\(IRText.name(name)): \(type(of: name).map(\.description) ?? "?")"
    }
    var out = "graph \(IRText.name(name))\n"
    if !docString.isEmpty { out += "  doc \(IRText.quoted(docString))\n" }
    for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { out += "  metadata \(IRText.quoted(key)) \(IRText.quoted(value))\n" }
    for name in inputs { out += "  input \(typed(name))\n" }
    var seen = Set<String>()
    let used = nodes.flatMap(\.inputs).filter { initializers[$0] != nil && seen.insert($0).inserted }
    for name in used + initializers.keys.filter({ !seen.contains($0) }).sorted() {
      out += "  const \(typed(name))"
      if let t = initializers[name], t.count <= limit { IRText.appendValues(of: t, to: &out) }
      out += "\n"
    }
    for node in nodes {
      let attributes = node.op.attributes
      out += "  \(IRText.name(node.name)) = \(node.op.typeName)"
      if !attributes.isEmpty { out += "{" + attributes.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + "}" }
      out += "(\(node.inputs.map(typed).joined(separator: ", "))) -> \(node.outputs.map(typed).joined(separator: ", "))"
      if !node.docString.isEmpty { out += " doc \(IRText.quoted(node.docString))" }
      out += "\n"
    }
    for name in outputs { out += "  output \(typed(name))\n" }
    return out
  }
}

/// The lexical rules of the printed IR, shared by the printer and the parser.
enum IRText {
  /// Characters of a plain (unquoted) name; `:` may also stand inside one.
  static func isNameByte(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
    case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
      UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "~"):
      return true
    default: return false
    }
  }

  /// `name` as written: plain when it can be read back plain, else quoted.
  static func name(_ name: String) -> String {
    let b = Array(name.utf8)
    let plain = !b.isEmpty && name != "_" && b.last != UInt8(ascii: ":") && b.first != UInt8(ascii: ":")
      && b.allSatisfy { isNameByte($0) || $0 == UInt8(ascii: ":") }
    return plain ? name : quoted(name)
  }

  /// Whether an attribute string can be written without quotes: letters, digits
  /// and `_`, with `<...>` holding digits and commas (`FIXED<8,1>`).
  static func isBareWord(_ s: String) -> Bool {
    var depth = 0
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "<"): depth += 1
      case UInt8(ascii: ">"): depth -= 1
      case UInt8(ascii: ","): if depth != 1 { return false }
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "_"):
        break
      default: return false
      }
      if depth < 0 || depth > 1 { return false }
    }
    return depth == 0 && !s.isEmpty
  }

  /// `s` in double quotes, with `"`, `\` and control characters escaped.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 || u.value == 0x7F {
          out += "\\u{\(String(u.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  /// Appends ` = [v,v,...]`: integers, or floats as Swift's shortest round-trip decimals.
  static func appendValues(of t: Tensor, to out: inout String) {
    out += " = ["
    switch t.storage {
    case .float32(let v):
      for (i, x) in v.enumerated() {
        if i > 0 { out += "," }
        out += x.description
      }
    case .int64(let v):
      for (i, x) in v.enumerated() {
        if i > 0 { out += "," }
        out += String(x)
      }
    }
    out += "]"
  }
}
