import Foundation
import XCTest

@testable import FinchIR

final class NPYTests: XCTestCase {
  private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// An NPY file with the given header dict (padded as NumPy does) and data bytes.
  private func npy(_ dict: String, version: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
    let prefix = version == 1 ? 10 : 12
    let header = Array((dict + String(repeating: " ", count: 63 - (prefix + dict.utf8.count) % 64) + "\n").utf8)
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let length = header.count
    out += (0..<(version == 1 ? 2 : 4)).map { UInt8((length >> (8 * $0)) & 0xFF) }
    return out + header + data
  }

  private func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  }

  private func decodeError(_ input: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> NPYError? {
    do {
      let tensor = try NPY.decode(input)
      XCTFail("decoded \(tensor.shape) but expected an error", file: file, line: line)
      return nil
    } catch {
      return error
    }
  }

  private func assertMalformed(_ input: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    guard case .malformed? = decodeError(input, file: file, line: line) else {
      return XCTFail("expected .malformed", file: file, line: line)
    }
  }

  // MARK: Round trips

  func testFloat32RoundTrip() throws {
    let cases: [(Shape, [Float])] = [
      ([2, 3], [0, -0.0, 1.5, -2.25, .infinity, .nan]), ([], [42]), ([0, 3], []), ([4], [1, 2, 3, 4]),
    ]
    for (shape, values) in cases {
      let encoded = NPY.encode(Tensor(shape: shape, floats: values))
      XCTAssertEqual((encoded.count - values.count * 4) % 64, 0, "data of \(shape) starts on a 64-byte boundary")
      let decoded = try NPY.decode(encoded)
      XCTAssertEqual(decoded.shape, shape)
      guard case .float32(let back) = decoded.storage else { return XCTFail("expected float32 storage") }
      XCTAssertEqual(back.map(\.bitPattern), values.map(\.bitPattern))
    }
  }

  func testInt64RoundTrip() throws {
    for tensor in [
      Tensor(shape: [3], int64s: [.min, -1, .max]), Tensor(shape: [], int64s: [7]), Tensor(shape: [0, 3], int64s: []),
    ] {
      let encoded = NPY.encode(tensor)
      XCTAssertEqual((encoded.count - tensor.count * 8) % 64, 0)
      XCTAssertEqual(try NPY.decode(encoded), tensor)
    }
  }

  func testEncodedHeaderMatchesNumPy() {
    let encoded = NPY.encode(Tensor(shape: [5], floats: [1, 2, 3, 4, 5]))
    XCTAssertEqual(encoded.count, 128 + 20)  // the bytes numpy.save writes
    XCTAssertEqual(Array(encoded[0..<10]), [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0])
    let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"
    let padding = String(repeating: " ", count: 117 - dict.count)
    XCTAssertEqual(String(decoding: encoded[10..<128], as: UTF8.self), dict + padding + "\n")
  }

  // MARK: Real files

  func testDecodesFixtures() throws {
    let inputBytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent("tfc_w1a1.in.npy")))
    let input = try NPY.decode(inputBytes)
    XCTAssertEqual(input.shape, [100, 1, 28, 28])
    XCTAssertEqual(input.elementType, .float32)
    XCTAssertTrue(input.floats.allSatisfy(\.isFinite))
    XCTAssertEqual(NPY.encode(input), inputBytes, "re-encoding reproduces NumPy's bytes")
    XCTAssertEqual(try NPY.decode(NPY.encode(input)), input)

    let labels = try NPY.read(path: fixtures.appendingPathComponent("tfc_w1a1.labels.npy").path)
    XCTAssertEqual(labels.shape, [100])
    guard case .int64(let values) = labels.storage else { return XCTFail("labels should be int64") }
    XCTAssertTrue(values.allSatisfy { (0...9).contains($0) })
    XCTAssertEqual(try NPY.decode(NPY.encode(labels)), labels)
  }

  // MARK: Header dialects and dtypes

  func testTolerantHeaderParsing() throws {
    let data = bytes([Float(1), 2, 3, 4, 5, 6].map(\.bitPattern))
    for (dict, version) in [
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", UInt8(1)),
      ("{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"<f4\"}", 1),
      ("{ 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , 'descr' : '=f4' }", 2),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", 3),
      ("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", 1),
    ] {
      let tensor = try NPY.decode(npy(dict, version: version, data: data))
      XCTAssertEqual(tensor, Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]), dict)
    }
  }

  func testDTypes() throws {
    func decode(_ descr: String, _ data: [UInt8]) throws -> Tensor {
      try NPY.decode(npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (3,), }", data: data))
    }
    XCTAssertEqual(try decode("<f8", bytes([0.5, -2, 1e300].map(\.bitPattern))).floats, [0.5, -2, .infinity])
    XCTAssertEqual(try decode("|i1", [0x80, 0xFF, 0x7F]).storage, .int64([-128, -1, 127]))
    XCTAssertEqual(try decode("<i2", bytes([Int16.min, -1, .max])).storage, .int64([-32768, -1, 32767]))
    XCTAssertEqual(try decode("<i4", bytes([Int32.min, -1, .max])).storage, .int64([-2_147_483_648, -1, 2_147_483_647]))
    XCTAssertEqual(try decode("<i8", bytes([Int64.min, 0, .max])).storage, .int64([.min, 0, .max]))
    XCTAssertEqual(try decode("|u1", [0, 1, 255]).storage, .int64([0, 1, 255]))
    XCTAssertEqual(try decode("<u2", bytes([UInt16(0), 1, .max])).storage, .int64([0, 1, 65535]))
    XCTAssertEqual(try decode("<u4", bytes([UInt32(0), 1, .max])).storage, .int64([0, 1, 4_294_967_295]))
    XCTAssertEqual(try decode("|b1", [0, 1, 1]).storage, .int64([0, 1, 1]))
  }

  // MARK: Bad input

  func testRejectsBadInput() {
    let good = NPY.encode(Tensor(shape: [2], floats: [1, 2]))
    assertMalformed([])
    assertMalformed(Array("\u{93}NUMPZ".utf8) + [1, 0, 0, 0])
    assertMalformed(Array(good[0..<6]) + [4, 0] + Array(good[8...]))  // version 4.0
    assertMalformed(Array(good[0..<8]) + [0xFF, 0xFF] + Array(good[10...]))  // header length beyond file
    assertMalformed(Array(good[0..<8]) + [0x01])  // ends inside the header length
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -), }", data: bytes([UInt32(0)])))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3x, 1), }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ('a',), }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((1)))))))))), }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,"))
    assertMalformed(npy("{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }"))
    assertMalformed(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), } junk"))

    let header = { (descr: String, fortran: String, shape: String) in
      self.npy("{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }", data: [0, 0, 0, 0])
    }
    XCTAssertEqual(decodeError(header("<f4", "True", "(1,)")), .fortranOrder)
    XCTAssertEqual(decodeError(header(">f4", "False", "(1,)")), .unsupportedDType(">f4"))
    XCTAssertEqual(decodeError(header("<c8", "False", "(1,)")), .unsupportedDType("<c8"))
    XCTAssertEqual(decodeError(header("|f4", "False", "(1,)")), .unsupportedDType("|f4"))
    XCTAssertEqual(decodeError(header("", "False", "(1,)")), .unsupportedDType(""))
    XCTAssertEqual(decodeError(header("<f4", "False", "(1099511627776,)")), .badShape(.tooLarge([1 << 40])))
    XCTAssertEqual(decodeError(header("<f4", "False", "(-1, 4)")), .badShape(.negativeDimension([-1, 4])))
    XCTAssertEqual(
      decodeError(header("<f4", "False", "(2,)")), .dataSize(bytes: 4, shape: [2], descr: "<f4", expected: 8))
    XCTAssertEqual(
      decodeError(header("|u1", "False", "(3,)")), .dataSize(bytes: 4, shape: [3], descr: "|u1", expected: 3))

    for end in 0..<good.count { _ = decodeError(Array(good[0..<end])) }  // every truncation is an error
  }

  func testErrorDescriptions() {
    let size = NPYError.dataSize(bytes: 1200, shape: [100, 1, 28, 28], descr: "<f4", expected: 313_600)
    XCTAssertEqual(
      NPYError.inFile(path: "input.npy", size).description,
      "input.npy: data is 1200 bytes but shape (100, 1, 28, 28) of <f4 needs 313600")
    XCTAssertTrue(NPYError.unsupportedDType(">f4").description.contains("'>f4'"))
    XCTAssertTrue(NPYError.badShape(.tooLarge([1 << 40])).description.contains("1099511627776"))
  }

  func testRandomBytesNeverCrash() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {  // SplitMix64
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let alphabet = Array("{}()[],:'\" -0123456789<>|=fiubTrueFalsdescrfortran_ordershapeL\n".utf8)
    for round in 0..<200 {
      let length = Int(next() % 300)
      var input: [UInt8]
      switch round % 3 {
      case 0: input = (0..<length).map { _ in UInt8(truncatingIfNeeded: next()) }
      case 1:
        let text = (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        input = npy(String(decoding: text, as: UTF8.self))
      default:
        input = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", data: Array(repeating: 0, count: 32))
        for _ in 0..<(1 + next() % 4) { input[Int(next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: next()) }
      }
      _ = try? NPY.decode(input)
    }
  }

  // MARK: Files

  func testReadWriteFiles() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }

    let tensor = Tensor(shape: [2, 2], floats: [1, 2, 3, 4])
    let path = folder.appendingPathComponent("t.npy").path
    try NPY.write(tensor, path: path)
    XCTAssertEqual(try NPY.read(path: path), tensor)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["t.npy"])

    let missing = folder.appendingPathComponent("missing.npy").path
    XCTAssertThrowsError(try NPY.read(path: missing)) { error in
      guard case .unreadable(let p, _)? = error as? NPYError else { return XCTFail("\(error)") }
      XCTAssertEqual(p, missing)
    }
    let nowhere = folder.appendingPathComponent("t.npy/under/a/file.npy").path  // missing folders are created, but not under a file
    XCTAssertThrowsError(try NPY.write(tensor, path: nowhere)) { error in
      guard case .unwritable(let p, _)? = error as? NPYError else { return XCTFail("\(error)") }
      XCTAssertEqual(p, nowhere)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["t.npy"])

    let garbage = folder.appendingPathComponent("garbage.npy").path
    try Data("not numpy".utf8).write(to: URL(fileURLWithPath: garbage))
    XCTAssertThrowsError(try NPY.read(path: garbage)) { error in
      guard case .inFile(garbage, .malformed)? = error as? NPYError else { return XCTFail("\(error)") }
      XCTAssertTrue("\(error)".hasPrefix(garbage + ": not a valid .npy file"))
    }
  }
}
