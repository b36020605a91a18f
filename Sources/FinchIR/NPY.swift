import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Float data (`<f4`, `<f8`) becomes float32 storage; integer and bool data
/// (`|i1` `<i2` `<i4` `<i8` `|u1` `<u2` `<u4` `|b1`) becomes int64 storage.
/// Only little-endian, C-order arrays are read.
public enum NPY {
  private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  /// Decodes the bytes of a `.npy` file; never traps on malformed input.
  public static func decode(_ bytes: [UInt8]) throws(NPYError) -> Tensor {
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw .malformed(reason: "file does not start with the NPY magic \\x93NUMPY")
    }
    let (major, minor) = (bytes[6], bytes[7])
    guard (1...3).contains(major), minor == 0 else {
      throw .malformed(reason: "format version \(major).\(minor) is not 1.0, 2.0 or 3.0")
    }
    let lengthBytes = major == 1 ? 2 : 4
    guard bytes.count >= 8 + lengthBytes else { throw .malformed(reason: "file ends inside the header length") }
    let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
    let headerStart = 8 + lengthBytes
    let dataStart = headerStart + headerLength
    guard dataStart <= bytes.count else {
      throw .malformed(reason: "header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
    }

    var parser = HeaderParser(bytes: Array(bytes[headerStart..<dataStart]))
    let header = try parser.dictionary()
    guard case .string(let descr)? = header["descr"] else { throw .malformed(reason: "header has no string 'descr'") }
    guard case .bool(let fortranOrder)? = header["fortran_order"] else {
      throw .malformed(reason: "header has no True/False 'fortran_order'")
    }
    guard case .tuple(let dimValues)? = header["shape"] else { throw .malformed(reason: "header has no tuple 'shape'") }
    var dims: [Int] = []
    for value in dimValues {
      guard case .int(let d) = value else { throw .malformed(reason: "shape holds something other than integers") }
      dims.append(d)
    }

    guard let order = descr.first, "<=|".contains(order), let dtype = DType(rawValue: String(descr.dropFirst())),
      order != "|" || dtype.size == 1
    else { throw .unsupportedDType(descr) }
    guard !fortranOrder else { throw .fortranOrder }
    let shape: Shape
    do { shape = try Shape.validated(dims) } catch { throw .badShape(error) }
    let count = shape.elementCount
    let expected = count * dtype.size
    guard bytes.count - dataStart == expected else {
      throw .dataSize(bytes: bytes.count - dataStart, shape: dims, descr: descr, expected: expected)
    }

    let storage = bytes[dataStart...].withUnsafeBytes { raw in dtype.storage(raw, count: count) }
    switch storage {
    case .float32(let v): return Tensor(shape: shape, floats: v)
    case .int64(let v): return Tensor(shape: shape, int64s: v)
    }
  }

  /// Encodes a tensor as a version 1.0 `.npy` file (`<f4` or `<i8`), with the
  /// data aligned to 64 bytes as NumPy writes it (version 2.0 only for a header
  /// too long for 1.0).
  public static func encode(_ tensor: Tensor) -> [UInt8] {
    let descr = tensor.elementType == .float32 ? "<f4" : "<i8"
    let dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(pythonTuple(tensor.shape.dims)), }"
    let (version, prefixLength): (UInt8, Int) = dict.utf8.count + 64 > 0xFFFF ? (2, 12) : (1, 10)
    let header = dict + String(repeating: " ", count: 63 - (prefixLength + dict.utf8.count) % 64) + "\n"
    var out = magic + [version, 0]
    if version == 1 {
      appendLittleEndian([UInt16(header.utf8.count)], to: &out)
    } else {
      appendLittleEndian([UInt32(header.utf8.count)], to: &out)
    }
    out += header.utf8
    switch tensor.storage {
    case .float32(let v): appendLittleEndian(v.map(\.bitPattern), to: &out)
    case .int64(let v): appendLittleEndian(v, to: &out)
    }
    return out
  }

  /// Reads and decodes the `.npy` file at `path`; errors name the path.
  public static func read(path: String) throws(NPYError) -> Tensor {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw .unreadable(path: path, reason: error.localizedDescription)
    }
    do { return try decode([UInt8](data)) } catch { throw .inFile(path: path, error) }
  }

  /// Encodes `tensor` and writes it to `path` as ``OutputFile`` does: whole or
  /// not at all, through symbolic links, never over a folder, device or FIFO.
  public static func write(_ tensor: Tensor, path: String) throws(NPYError) {
    do { try OutputFile.write(Data(encode(tensor)), to: path) } catch {
      throw .unwritable(path: path, reason: error.description)
    }
  }

  private static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
    out.reserveCapacity(out.count + values.count * MemoryLayout<T>.size)
    for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
  }
}

/// `(2, 3)`, `(5,)` or `()`, as Python writes a tuple.
private func pythonTuple(_ dims: [Int]) -> String {
  dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.map(String.init).joined(separator: ", ") + ")"
}

/// An element type Finch reads, named by its descr without the byte-order mark.
private enum DType: String {
  case f4, f8, i1, i2, i4, i8, u1, u2, u4, b1

  var size: Int {
    switch self {
    case .i1, .u1, .b1: return 1
    case .i2, .u2: return 2
    case .f4, .i4, .u4: return 4
    case .f8, .i8: return 8
    }
  }

  /// Converts `count` little-endian values; the caller checked `raw` holds them.
  func storage(_ raw: UnsafeRawBufferPointer, count: Int) -> Tensor.Storage {
    func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
      (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }
    switch self {
    case .f4: return .float32(load(UInt32.self).map(Float.init(bitPattern:)))
    case .f8: return .float32(load(UInt64.self).map { Float(Double(bitPattern: $0)) })
    case .i1: return .int64(load(Int8.self).map(Int64.init))
    case .i2: return .int64(load(Int16.self).map(Int64.init))
    case .i4: return .int64(load(Int32.self).map(Int64.init))
    case .i8: return .int64(load(Int64.self))
    case .u1: return .int64(load(UInt8.self).map(Int64.init))
    case .u2: return .int64(load(UInt16.self).map(Int64.init))
    case .u4: return .int64(load(UInt32.self).map(Int64.init))
    case .b1: return .int64(load(UInt8.self).map { $0 == 0 ? 0 : 1 })
    }
  }
}

/// A value in the header's Python literal.
private enum PyValue {
  case string(String), bool(Bool), int(Int), tuple([PyValue])
}

/// A small parser for the header's Python dict literal: string keys; string,
/// True/False, integer and tuple (or list) values; any key order; trailing commas.
private struct HeaderParser {
  /// Letters, digits, `+`, `-` and `_`: the bytes of True, False and integers.
  static let wordBytes = Set("+-_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
  let bytes: [UInt8]
  var at = 0

  mutating func dictionary() throws(NPYError) -> [String: PyValue] {
    var result: [String: PyValue] = [:]
    try expect("{")
    while try !consume("}") {
      guard case .string(let key) = try value(depth: 0) else { throw fail("dict key is not a string") }
      try expect(":")
      result[key] = try value(depth: 0)
      if try !consume(",") { try expect("}"); break }
    }
    skipSpace()
    guard at == bytes.count else { throw fail("unexpected text after the dict") }
    return result
  }

  private mutating func value(depth: Int) throws(NPYError) -> PyValue {
    skipSpace()
    guard at < bytes.count else { throw fail("header ends where a value should be") }
    switch bytes[at] {
    case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "("), UInt8(ascii: "["):
      guard depth < 8 else { throw fail("values nest too deeply") }
      let close: Unicode.Scalar = bytes[at] == UInt8(ascii: "(") ? ")" : "]"
      at += 1
      var items: [PyValue] = []
      while try !consume(close) {
        items.append(try value(depth: depth + 1))
        if try !consume(",") { try expect(close); break }
      }
      return .tuple(items)
    default:
      let start = at
      while at < bytes.count, Self.wordBytes.contains(bytes[at]) { at += 1 }
      let word = String(decoding: bytes[start..<at], as: UTF8.self)
      if word == "True" || word == "False" { return .bool(word == "True") }
      // Python 2 NumPy wrote long integers with an L suffix, e.g. (3L, 4L).
      if let n = Int(word.hasSuffix("L") ? String(word.dropLast()) : word) { return .int(n) }
      throw fail(word.isEmpty ? "unexpected character" : "'\(word)' is not a string, True/False, integer or tuple")
    }
  }

  private mutating func string() throws(NPYError) -> String {
    let quote = bytes[at]
    at += 1
    var text: [UInt8] = []
    while at < bytes.count, bytes[at] != quote {
      if bytes[at] == UInt8(ascii: "\\") { at += 1 }
      if at < bytes.count { text.append(bytes[at]); at += 1 }
    }
    guard at < bytes.count else { throw fail("unterminated string") }
    at += 1
    return String(decoding: text, as: UTF8.self)
  }

  private mutating func skipSpace() {
    while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
  }

  /// Skips spaces, then consumes `c` if it comes next.
  private mutating func consume(_ c: Unicode.Scalar) throws(NPYError) -> Bool {
    skipSpace()
    guard at < bytes.count else { throw fail("header ends before its closing bracket") }
    guard bytes[at] == UInt8(ascii: c) else { return false }
    at += 1
    return true
  }

  private mutating func expect(_ c: Unicode.Scalar) throws(NPYError) {
    guard try consume(c) else { throw fail("expected '\(c)'") }
  }

  private func fail(_ reason: String) -> NPYError { .malformed(reason: "header: \(reason) at byte \(at)") }
}

/// Why an `.npy` file could not be read, decoded or written.
public indirect enum NPYError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file could not be read at all.
  case unreadable(path: String, reason: String)
  /// The file could not be written.
  case unwritable(path: String, reason: String)
  /// The bytes are not a well-formed `.npy` file.
  case malformed(reason: String)
  /// The dtype descriptor (such as `>f4` or `<c8`) is not one Finch reads.
  case unsupportedDType(String)
  /// The array is stored in Fortran (column-major) order.
  case fortranOrder
  /// The header's shape is refused by ``Shape/validated(_:)``.
  case badShape(ShapeError)
  /// The data section is `bytes` long but the shape and dtype need `expected`.
  case dataSize(bytes: Int, shape: [Int], descr: String, expected: Int)
  /// An error in decoding the file at `path`.
  case inFile(path: String, NPYError)

  /// One line saying what is wrong.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
    case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
    case .malformed(let reason): return "not a valid .npy file: \(reason)"
    case .unsupportedDType(let d):
      return "dtype '\(d)' is not supported (Finch reads little-endian <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 |b1)"
    case .fortranOrder: return "array is in Fortran order; save it with numpy.ascontiguousarray first"
    case .badShape(let error): return error.description
    case .dataSize(let bytes, let shape, let descr, let expected):
      return "data is \(bytes) bytes but shape \(pythonTuple(shape)) of \(descr) needs \(expected)"
    case .inFile(let path, let error): return "\(path): \(error)"
    }
  }
}
