import FinchIR
import FinchInterpreter
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// Random Brevitas-style QNNs (``RandomQNN``) compile fully to hardware layers
/// and stay bit-exact after every pass.
///
/// `FINCH_PROPERTY_SEEDS=N` checks seeds 1...N (default 60);
/// `FINCH_PROPERTY_SEED=S` checks seed S alone, to reproduce a failure.
final class CompilePropertyTests: XCTestCase {
  static let defaultSeeds = 60
  static let samples = 8

  func testRandomNetworksCompileExactly() throws {
    let env = ProcessInfo.processInfo.environment
    let seeds: [UInt64]
    if let pinned = env["FINCH_PROPERTY_SEED"].flatMap({ UInt64($0) }) {
      seeds = [pinned]
    } else {
      let n = env["FINCH_PROPERTY_SEEDS"].flatMap { Int($0) } ?? Self.defaultSeeds
      seeds = (1...UInt64(max(n, 1))).map { $0 }
    }
    var failures = 0
    for seed in seeds {
      if let message = Self.check(seed: seed) {
        failures += 1
        XCTFail(message)
      }
    }
    if failures > 0 { print("CompilePropertyTests: \(failures) of \(seeds.count) seeds failed") }
  }

  /// The generator is deterministic: a printed seed reproduces its network.
  func testGeneratorIsDeterministic() {
    for seed: UInt64 in [1, 2, 12345] {
      XCTAssertEqual(RandomQNN.make(seed: seed, branching: true).text, RandomQNN.make(seed: seed, branching: true).text)
      XCTAssertEqual(RandomQNN.inputs(for: RandomQNN.make(seed: seed), samples: 4, seed: seed),
                     RandomQNN.inputs(for: RandomQNN.make(seed: seed), samples: 4, seed: seed))
    }
  }

  /// The default seeds cover branching networks: residual sums, concatenations and depthwise convolutions.
  func testDefaultSeedsIncludeResidualConcatAndDepthwiseBlocks() {
    let graphs = (1...UInt64(Self.defaultSeeds)).map { RandomQNN.make(seed: $0, branching: true) }
    let residual = graphs.filter { g in g.nodes.contains { $0.op == .binary(.add) && $0.inputs.allSatisfy { g.initializers[$0] == nil } } }
    let depthwise = graphs.filter { g in g.nodes.contains { if case .conv(let c) = $0.op { c.group > 1 } else { false } } }
    let concat = graphs.filter { g in g.nodes.contains { if case .concat = $0.op { true } else { false } } }
    print("default seeds: \(residual.count) residual, \(concat.count) concatenation, \(depthwise.count) depthwise")
    XCTAssertGreaterThanOrEqual(residual.count, 5)
    XCTAssertGreaterThanOrEqual(concat.count, 3)
    XCTAssertGreaterThanOrEqual(depthwise.count, 2)
  }

  private struct Mismatch: Error {}

  /// Compiles the network of `seed`; nil when it compiled fully and exactly, else what went wrong.
  static func check(seed: UInt64) -> String? {
    let reproduce = "seed \(seed) (reproduce: FINCH_PROPERTY_SEED=\(seed) swift test --filter CompilePropertyTests)"
    let original = RandomQNN.make(seed: seed, branching: true)
    let batch = RandomQNN.inputs(for: original, samples: samples, seed: seed)
    let reference: Tensor
    do {
      guard let y = try Interpreter(graph: original).runBatch(batch)[original.outputs[0]] else { return "\(reproduce): no output" }
      reference = y
    } catch {
      return "\(reproduce): the generated network does not run: \(error)\n\(original.text)"
    }
    var graph = original
    var before = original
    var failure: String?
    do {
      try Pipeline.compile.run(on: &graph) { pass, after in
        let y: Tensor
        do {
          guard let out = try Interpreter(graph: after).runBatch(batch)[after.outputs[0]] else { throw Mismatch() }
          y = out
        } catch {
          failure = "\(reproduce): after pass \(pass) the graph does not run: \(error)\n"
            + "--- graph before \(pass) ---\n\(before.text)--- graph after \(pass) ---\n\(after.text)"
          throw Mismatch()
        }
        if let difference = firstDifference(y, reference) {
          failure = "\(reproduce): pass \(pass) changed the outputs: \(difference)\n"
            + "--- graph before \(pass) ---\n\(before.text)--- graph after \(pass) ---\n\(after.text)"
            + "--- original graph ---\n\(original.text)"
          throw Mismatch()
        }
        before = after
      }
    } catch is Mismatch {
      return failure
    } catch {
      return "\(reproduce): compilation failed: \(error)\n--- graph before the failing pass ---\n\(before.text)"
        + "--- original graph ---\n\(original.text)"
    }
    if let problem = notFullyCompiled(graph) {
      return "\(reproduce): not compiled fully: \(problem)\n--- compiled graph ---\n\(graph.text)--- original graph ---\n\(original.text)"
    }
    return nil
  }

  /// The first element where `actual` and `expected` differ in shape or bit pattern, in words.
  static func firstDifference(_ actual: Tensor, _ expected: Tensor) -> String? {
    guard actual.shape == expected.shape else { return "shape \(actual.shape) != \(expected.shape)" }
    let a = actual.floats, b = expected.floats
    guard let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return nil }
    let per = max(a.count / max(actual.shape[0], 1), 1)
    return "sample \(i / per), element \(i % per): \(a[i]) != \(b[i]) (expected)"
  }

  /// Why `graph` is not fully compiled: every node from the first to the last
  /// hardware layer must be a hardware layer or a Reshape; before them only
  /// layout ops, after them only layout ops and float Mul/Add on the outputs.
  static func notFullyCompiled(_ graph: Graph) -> String? {
    let hardware = graph.nodes.indices.filter { graph.nodes[$0].op.isHardwareLayer }
    guard let first = hardware.first, let last = hardware.last else { return "no hardware layer" }
    func describe(_ node: Node) -> String { "'\(node.name)' (\(node.op.typeName))" }
    for (i, node) in graph.nodes.enumerated() {
      let ok: Bool
      switch node.op {
      case let op where op.isHardwareLayer: ok = true
      case .reshape: ok = true
      case .transpose: ok = i < first || i > last
      case .binary(.mul), .binary(.add): ok = i > last
      default: ok = false
      }
      if !ok {
        let place = i < first ? "before the first hardware layer" : i > last ? "after the last hardware layer" : "between hardware layers"
        return "\(describe(node)) \(place)"
      }
    }
    return nil
  }
}
