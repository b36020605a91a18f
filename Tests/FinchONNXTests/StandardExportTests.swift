@testable import FinchONNX
import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import XCTest

/// The `qdq` and `floatONNX` pipelines give standard ONNX (no QONNX ops) that
/// computes what the QONNX model computes, bit for bit.
final class StandardExportTests: XCTestCase {
  private func qdq(_ g: Graph) throws -> Graph {
    var g = g
    try Pipeline.qdq.run(on: &g)
    return g
  }

  private func float(_ g: Graph) throws -> Graph {
    var g = g
    try Pipeline.floatONNX.run(on: &g)
    return g
  }

  /// Exports, re-imports, checks only standard ops remain, and returns the re-imported graph.
  private func roundTrip(_ g: Graph, _ label: String) throws -> Graph {
    let data = try ONNXExporter.encode(g)
    let model = try Onnx_ModelProto(serializedBytes: data)
    for node in model.graph.node {
      XCTAssertEqual(node.domain, "", "\(label): node \(node.name) (\(node.opType)) is not in the standard domain")
      XCTAssertTrue(OpMapper.standardOps.contains(node.opType), "\(label): \(node.opType) is not a standard op")
    }
    let back = try ONNXImporter.decode(data, file: label)
    for node in back.nodes {
      XCTAssertFalse(OpMapper.customOps.contains(node.op.typeName) || node.op.isHardwareLayer, "\(label): \(node.name) is \(node.op.typeName)")
    }
    return back
  }

  /// Bit-identical outputs, or equal up to the sign of zero when `signedZero` is false.
  private func assertSame(_ a: Tensor, _ b: Tensor, signedZero: Bool, _ label: String) {
    if signedZero { return assertBitExact(a, b, label) }
    func norm(_ t: Tensor) -> Tensor {
      t.elementType == .int64 ? t : Tensor(shape: t.shape, floats: t.floats.map { $0 == 0 ? 0 : $0 })
    }
    assertBitExact(norm(a), norm(b), label)
  }

  private func check(_ fixture: Fixture, _ rewrite: (Graph) throws -> Graph, signedZero: Bool, _ format: String) throws {
    let graph = try fixture.model()
    let standard = try rewrite(graph)
    let back = try roundTrip(standard, "\(fixture.name) \(format)")
    let x = try fixture.inputs().firstSamples(20)
    let expected = try Interpreter(graph: graph).runBatch(x)
    for (label, g) in [("rewritten", standard), ("re-imported", back)] {
      let y = try Interpreter(graph: g).runBatch(x)
      for name in graph.outputs {
        assertSame(try XCTUnwrap(y[name]), try XCTUnwrap(expected[name]), signedZero: signedZero, "\(fixture.name) \(format) \(label): \(name)")
      }
    }
  }

  func testFloatExportOfEveryFixtureIsBitExact() throws {
    for fixture in Fixture.all {
      try check(fixture, float, signedZero: true, "float")
    }
  }

  func testQDQExportOfTFCW2A2IsExact() throws {
    let fixture = try XCTUnwrap(Fixture.all.first { $0.name == "tfc_w2a2" })
    try check(fixture, qdq, signedZero: false, "qdq")
    let g = try qdq(try fixture.model())
    XCTAssertTrue(g.nodes.contains { if case .quantizeLinear = $0.op { true } else { false } })
    XCTAssertTrue(g.nodes.contains { if case .dequantizeLinear = $0.op { true } else { false } })
  }

  func testQDQRefusesBipolarModelsNamingTheNode() throws {
    for fixture in Fixture.all where fixture.name.contains("w1a1") {
      let graph = try fixture.model()
      XCTAssertThrowsError(try qdq(graph), fixture.name) { error in
        let text = "\(error)"
        XCTAssertTrue(text.contains("sign()") && text.contains("--format float"), text)
        let named = graph.nodes.contains { node in
          guard text.contains("'\(node.name)'") else { return false }
          if case .bipolarQuant = node.op { return true }
          if case .quant = node.op { return true }
          return false
        }
        XCTAssertTrue(named, "error does not name a bipolar quantizer: \(text)")
      }
    }
  }

  // MARK: Single quantizers over edge values

  private static let specials: [Float] = [
    -.infinity, -.greatestFiniteMagnitude, -1e30, -3, -1.5, -1, -0.5, -.ulpOfOne, -.leastNormalMagnitude, -.leastNonzeroMagnitude, -0.0,
    0, .leastNonzeroMagnitude, .leastNormalMagnitude, .ulpOfOne, 0.5, 1, 1.5, 2.5, 3, 1e30, .greatestFiniteMagnitude, .infinity,
  ]

  /// Values around every half step of `scale` in -20...20, the specials, and pseudo-random values.
  private static func probes(scale: Float) -> [Float] {
    var v = specials
    for k in -40...40 {
      let t = Float(k) / 2 * scale
      v += [t, t.nextUp, t.nextDown, t.nextUp.nextUp, t.nextDown.nextDown]
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<2000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      v.append((Float(state >> 40) / Float(1 << 24) - 0.5) * 40 * scale)
    }
    return v
  }

  private func single(_ op: Op, _ params: [Tensor], n: Int) throws -> Graph {
    var inits: [String: Tensor] = [:]
    var names = ["x"]
    for (i, p) in params.enumerated() {
      inits["p\(i)"] = p
      names.append("p\(i)")
    }
    var g = Graph(
      name: "single", inputs: ["x"], outputs: ["y"], nodes: [Node(name: "q", op: op, inputs: names, outputs: ["y"])],
      initializers: inits, types: ["x": ValueType(shape: [n])])
    try g.inferTypes()
    return g
  }

  private func compare(_ g: Graph, _ rewritten: Graph, _ x: [Float], signedZero: Bool, _ label: String) throws {
    let feed = ["x": Tensor(shape: [x.count], floats: x)]
    let want = try XCTUnwrap(try Interpreter(graph: g).run(feed)["y"])
    for (which, h) in [("rewritten", rewritten), ("re-imported", try roundTrip(rewritten, label))] {
      let got = try XCTUnwrap(try Interpreter(graph: h).run(feed)["y"])
      // NaN-free inputs only: compare elementwise to report the offending input.
      for (i, (a, b)) in zip(got.floats, want.floats).enumerated() {
        let same = signedZero ? a.bitPattern == b.bitPattern : (a == b || (a.isNaN && b.isNaN))
        if !same {
          XCTFail("\(label) \(which): x = \(x[i]) gives \(a), QONNX gives \(b)")
          break
        }
      }
    }
  }

  func testBipolarQuantFloatChainIsExact() throws {
    for scale: Float in [1, 0.5, 0.1, 3] {
      let x = Self.probes(scale: 1)
      let g = try single(.bipolarQuant, [Tensor(scalar: scale)], n: x.count)
      let f = try float(g)
      XCTAssertFalse(f.nodes.contains { $0.op == .bipolarQuant })
      try compare(g, f, x, signedZero: true, "BipolarQuant scale \(scale)")
      XCTAssertThrowsError(try qdq(g)) { XCTAssertTrue("\($0)".contains("node 'q': BipolarQuant"), "\($0)") }
    }
  }

  func testQuantFloatAndQDQChainsAreExact() throws {
    for bits in 1...8 {
      for signed in [true, false] {
        for narrow in [false, true] {
          for rounding in [RoundingMode.round, .floor, .ceil] {
            for (scale, zp) in [(Float(1), Float(0)), (0.25, 0), (0.1, 0), (0.037, 0), (0.1, 1), (1, -2)] {
              let q = Quant(signed: signed, narrow: narrow, rounding: rounding)
              let label = "Quant bits \(bits) signed \(signed) narrow \(narrow) \(rounding.rawValue) scale \(scale) zp \(zp)"
              let x = Self.probes(scale: scale)
              let g = try single(.quant(q), [Tensor(scalar: scale), Tensor(scalar: zp), Tensor(scalar: Float(bits))], n: x.count)
              try compare(g, try float(g), x, signedZero: true, "float \(label)")
              let expressible = rounding == .round && zp == 0 && !(bits == 1 && signed)
              if expressible {
                try compare(g, try qdq(g), x, signedZero: false, "qdq \(label)")
              } else {
                XCTAssertThrowsError(try qdq(g), "qdq \(label)")
              }
            }
          }
        }
      }
    }
  }

  func testWeightQuantizersFold() throws {
    // Per-channel weight scale [1, 3] on a [4, 3] weight matrix.
    let w = Tensor(shape: [4, 3], floats: (0..<12).map { Float($0) * 0.37 - 2 })
    let scale = Tensor(shape: [1, 3], floats: [0.5, 0.25, 0.125])
    var g = Graph(
      name: "weights", inputs: ["x"], outputs: ["y"],
      nodes: [
        Node(name: "wq", op: .quant(Quant(signed: true, narrow: true, rounding: .round)), inputs: ["w", "s", "z", "b"], outputs: ["wq_out"]),
        Node(name: "mm", op: .matMul, inputs: ["x", "wq_out"], outputs: ["y"]),
      ],
      initializers: ["w": w, "s": scale, "z": Tensor(scalar: 0), "b": Tensor(scalar: 3)], types: ["x": ValueType(shape: [2, 4])])
    try g.inferTypes()
    let x = Tensor(shape: [2, 4], floats: [1, -2, 3, 0.5, -1, 0.25, 2, -3])
    let want = try XCTUnwrap(try Interpreter(graph: g).run(["x": x])["y"])
    for (label, h) in [("float", try float(g)), ("qdq", try qdq(g))] {
      let back = try roundTrip(h, label)
      XCTAssertFalse(back.nodes.contains { $0.op.typeName == "Quant" })
      assertBitExact(try XCTUnwrap(try Interpreter(graph: back).run(["x": x])["y"]), want, label)
    }
  }
}
