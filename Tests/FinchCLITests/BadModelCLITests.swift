import FinchIR
import FinchONNX
import FinchTestSupport
import Foundation
import XCTest

/// Models a tester found crashing `finch`: each is now one `error:` line and
/// exit 1, or the right answer.
final class BadModelCLITests: XCTestCase {
  private var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

  /// `x: type[1,4] -> tail -> y`, exported.
  private func model(_ name: String, _ tail: Op, input: DataType = .float32, extra: [String] = [], constants: [String: Tensor] = [:]) throws -> String {
    var g = Graph(
      name: name, inputs: ["x"], outputs: ["y"], nodes: [Node(name: "tail", op: tail, inputs: ["x"] + extra, outputs: ["y"])],
      initializers: constants, types: ["x": ValueType(shape: [1, 4], dataType: input)])
    try g.inferTypes()
    let file = path("\(name).onnx")
    try ONNXExporter.save(g, path: file)
    return file
  }

  /// `model` with the one float `old` among its bytes replaced by `new`.
  private func patch(_ model: String, _ old: Float, _ new: Float, as name: String) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
    let from = withUnsafeBytes(of: old.bitPattern.littleEndian, Array.init), to = withUnsafeBytes(of: new.bitPattern.littleEndian, Array.init)
    let hits = (0...(bytes.count - 4)).filter { Array(bytes[$0..<($0 + 4)]) == from }
    XCTAssertEqual(hits.count, 1, "\(old) occurs \(hits.count) times in \(model)")
    for i in hits { bytes.replaceSubrange(i..<(i + 4), with: to) }
    let file = path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    return file
  }

  private func input(_ values: [Float], samples: Int = 1) throws -> String {
    let file = path("in-\(UUID().uuidString).npy")
    try NPY.write(Tensor(shape: [samples, values.count / samples], floats: values), path: file)
    return file
  }

  /// Runs `finch` expecting exit 1 and exactly one `error:` line containing `parts`; returns that line.
  @discardableResult
  private func assertFails(_ arguments: [String], mentioning parts: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let r = try FinchCLI.run(arguments)
    XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
    let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") }
    XCTAssertEqual(lines.count, 1, "\(arguments): \(r.stderr)", file: file, line: line)
    let text = String(lines.first ?? "")
    XCTAssertTrue(text.hasPrefix("error: "), text, file: file, line: line)
    for p in parts { XCTAssertTrue(text.contains(p), "\(arguments): \"\(text)\" does not mention \"\(p)\"", file: file, line: line) }
    return text
  }

  func testGraphOutputListedTwiceIsOneError() throws {
    var bytes = try Data(contentsOf: URL(fileURLWithPath: try model("relu", .unary(.relu))))
    // A second `graph` field merges into the first: this one adds `output { name: "y" }`.
    bytes.append(contentsOf: Wire.message(7, Wire.message(12, Wire.string(1, "y"))))
    let twice = path("twice.onnx")
    try bytes.write(to: URL(fileURLWithPath: twice))
    let x = try input([1, 2, 3, 4])
    for arguments in [["inspect", twice], ["run", twice, "-i", x], ["bench", twice, "--seconds", "0.01"], ["compile", twice, "-o", path("out")]] {
      try assertFails(arguments, mentioning: ["twice.onnx", "graph output 'y'", "more than once"])
    }
  }

  func testOutputsWithoutABatchAxisRunOnTheCPUAsInTheInterpreter() throws {
    let models = [
      try model("argmax", .argMax(axis: 0, keepDims: false, selectLastIndex: false)),
      try model("concat", .concat(axis: 0), extra: ["x"]),
      try model("squeeze", .squeeze(axes: [0])),
    ]
    let x = try input((0..<12).map { Float($0 * 5 % 7) }, samples: 3)
    for m in models {
      var outputs: [Tensor] = []
      for backend in ["cpu", "interpreter"] {
        let out = path("\(backend).npy")
        let r = try FinchCLI.run(["run", m, "-i", x, "-o", out, "--backend", backend])
        XCTAssertEqual(r.status, 0, "\(m) on \(backend): \(r.stderr)")
        outputs.append(try NPY.read(path: out))
      }
      assertBitExact(outputs[0], outputs[1], m)
    }
  }

  func testBothBackendsRefuseValuesOutsideAUINT8InputAlike() throws {
    let m = try model("uint8", .unary(.relu), input: .uint(8))
    for bad: Float in [.nan, .infinity, 256, -1, 0.5] {
      let x = try input([1, 2, bad, 4])
      let lines = try ["cpu", "interpreter"].map { backend in
        try assertFails(["run", m, "-i", x, "--backend", backend], mentioning: ["flat index 2", "UINT8", "input x"])
      }
      XCTAssertEqual(lines[0].replacingOccurrences(of: x, with: ""), lines[1].replacingOccurrences(of: x, with: ""))
    }
  }

  func testQuantizerParametersBeyondFinchsLimitsAreOneError() throws {
    let quant = Op.quant(Quant(signed: true, narrow: false, rounding: .round))
    let constants = ["s": Tensor(scalar: 0.5), "z": Tensor(scalar: 3), "b": Tensor(scalar: 7)]
    let base = try model("quant", quant, extra: ["s", "z", "b"], constants: constants)
    for bits: Float in [40, 64] {
      let bad = try patch(base, 7, bits, as: "bits\(Int(bits)).onnx")
      for command in ["inspect", "compile", "estimate"] {
        let arguments = [command, bad] + (command == "compile" ? ["-o", path("out")] : command == "estimate" ? ["--board", "pynq-z1", "--fps", "1000"] : [])
        try assertFails(arguments, mentioning: ["'tail'", "bit width", "1...32", "\(bits)"])
      }
    }
    let zeroPoint = try patch(base, 3, 3.4e38, as: "zp.onnx")
    try assertFails(["compile", zeroPoint, "-o", path("out")], mentioning: ["'tail'", "zero point", "3.4e+38"])
  }

  func testNonFiniteBatchNormParametersAreOneError() throws {
    let names = ["bs", "bb", "bm", "bv"]
    let values: [[Float]] = [[1.25, 2, 3, 4], [0.75, 1, 0, 2], [0.5, 0, 1, 0], [1, 4, 9, 16]]
    var g = Graph(
      name: "bn", inputs: ["x"], outputs: ["y"],
      nodes: [Node(name: "bn", op: .batchNormalization(epsilon: 1e-5), inputs: ["x"] + names, outputs: ["y"])],
      initializers: Dictionary(uniqueKeysWithValues: zip(names, values.map { Tensor(shape: [4], floats: $0) })),
      types: ["x": ValueType(shape: [1, 4])])
    try g.inferTypes()
    let base = path("bn.onnx")
    try ONNXExporter.save(g, path: base)
    for (old, field) in [(Float(1.25), "scale"), (0.75, "bias"), (0.5, "mean"), (16, "variance")] {
      for bad: Float in [.nan, .infinity, -.infinity] {
        let m = try patch(base, old, bad, as: "bn-\(field).onnx")
        try assertFails(["compile", m, "-o", path("out")], mentioning: ["'bn'", field, "finite"])
      }
    }
  }

  /// A Relu model whose input and output are declared as `dims`, written byte by byte.
  private func reluModel(_ name: String, dims: [Int]) throws -> String {
    let file = path(name)
    let shape = Wire.message(2, dims.flatMap { Wire.message(1, Wire.int(1, $0)) })
    let value = { (name: String) in Wire.string(1, name) + Wire.message(2, Wire.message(1, Wire.int(1, 1) + shape)) }
    let graph = Wire.message(1, Wire.string(1, "x") + Wire.string(2, "y") + Wire.string(4, "Relu"))
      + Wire.message(11, value("x")) + Wire.message(12, value("y"))
    try Data(Wire.int(1, 8) + Wire.message(8, Wire.int(2, 13)) + Wire.message(7, graph)).write(to: URL(fileURLWithPath: file))
    return file
  }

  func testHugeDeclaredInputIsRefusedBeforeAllocating() throws {
    let huge = try reluModel("huge.onnx", dims: [1, 1 << 30, 1])
    for arguments in [["bench", huge, "--seconds", "0.01"], ["bench", huge, "--backend", "interpreter", "--seconds", "0.01"], ["inspect", huge]] {
      try assertFails(arguments, mentioning: ["huge.onnx", "'x'", "1073741824", "\(Shape.maxElementCount)"])
    }
    // Within the element limit, but a batch of them is not: refused before the random inputs are made.
    let large = try reluModel("large.onnx", dims: [1, 1 << 27])
    for backend in ["cpu", "interpreter"] {
      try assertFails(["bench", large, "--backend", backend, "--batch", "64", "--seconds", "0.01"], mentioning: ["MiB", "smaller batch"])
    }
  }
}

/// Protobuf's wire format, enough to write by hand what the exporter refuses to.
private enum Wire {
  static func varint(_ v: UInt64) -> [UInt8] {
    var v = v, out: [UInt8] = []
    while v >= 0x80 {
      out.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    return out + [UInt8(v)]
  }

  /// A varint field.
  static func int(_ field: Int, _ v: Int) -> [UInt8] { varint(UInt64(field << 3)) + varint(UInt64(v)) }
  /// A length-delimited field holding a message's bytes.
  static func message(_ field: Int, _ bytes: [UInt8]) -> [UInt8] { varint(UInt64(field << 3 | 2)) + varint(UInt64(bytes.count)) + bytes }
  static func string(_ field: Int, _ s: String) -> [UInt8] { message(field, Array(s.utf8)) }
}
