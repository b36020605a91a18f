import FinchFuzzSupport
import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// Fixture models broken by the fuzzer's ``ModelMutator`` (dropped, duplicated
/// and rewired nodes, extreme attributes, dimensions and initializers,
/// degenerate quantizers, duplicated graph inputs and outputs), fed to every
/// command a user runs on a model. Each must succeed or exit 1 with one
/// `error:` line: never a signal, never more than 10 s or 1 GiB.
///
/// `FINCH_MUTATION_SEED` and `FINCH_MUTATION_CASES` choose other cases; a
/// failure names the seed, and `FinchFuzz mutate SEED MODEL OUT` (a plain
/// build of the FinchFuzz product) writes the same mutated model.
final class MutatedModelCLITests: XCTestCase {
  static let timeout: TimeInterval = 10
  static let memoryLimit = 1 << 30
  private var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-mutated-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  func testMutatedModelsSucceedOrFailWithOneError() throws {
    let environment = ProcessInfo.processInfo.environment
    let firstSeed = environment["FINCH_MUTATION_SEED"].flatMap { UInt64($0) } ?? 0xF1_4C4
    let cases = environment["FINCH_MUTATION_CASES"].flatMap { Int($0) } ?? 30
    // The cleaned and raw export of every fixture, with two samples of its inputs.
    var sources: [(model: String, data: Data, input: String)] = []
    for fixture in Fixture.all {
      let x = try fixture.inputs()
      let perSample = x.shape.elementCount / x.shape.dims[0]
      let input = dir.appendingPathComponent("\(fixture.name).in.npy").path
      try NPY.write(Tensor(shape: Shape([2] + x.shape.dims.dropFirst()), floats: Array(x.floats.prefix(2 * perSample))), path: input)
      for model in [fixture.modelPath, fixture.rawModelPath] {
        sources.append((model, try Data(contentsOf: URL(fileURLWithPath: model)), input))
      }
    }
    for n in 0..<cases {
      let seed = firstSeed &+ UInt64(n)
      let source = sources[Int(seed % UInt64(sources.count))]
      var mutator = ModelMutator(seed: seed)
      let bytes = try XCTUnwrap(mutator.mutate(source.data), "seed \(seed): \(source.model) does not decode")
      let model = dir.appendingPathComponent("mutated-\(seed).onnx").path
      try bytes.write(to: URL(fileURLWithPath: model))
      let what = "seed \(seed) (FINCH_MUTATION_SEED=\(seed) FINCH_MUTATION_CASES=1; FinchFuzz mutate \(seed) \(source.model) m.onnx): "
        + mutator.log.joined(separator: "; ")
      let out = dir.appendingPathComponent("out-\(seed)").path
      let commands: [[String]] = [
        ["inspect", model],
        ["compile", model, "-o", out + "-compiled"],
        ["estimate", model, "--board", "pynq-z1", "--fps", "1000"],
        ["build", model, "--board", "pynq-z1", "--fps", "1000", "-o", out + "-build"],
        ["run", model, "-i", source.input, "--backend", "interpreter"],
        ["run", model, "-i", source.input, "--backend", "cpu"],
      ]
      for arguments in commands {
        let r = try FinchCLI.run(arguments, timeout: Self.timeout, memoryLimit: Self.memoryLimit)
        let command = "finch \(arguments.joined(separator: " "))"
        if r.timedOut {
          XCTFail("\(command): killed after \(Self.timeout) s; \(what)")
        } else if r.memoryLimitHit {
          XCTFail("\(command): ran out of its \(Self.memoryLimit >> 20) MiB memory limit; \(what)\n\(r.stderr.suffix(2000))")
        } else if let signal = r.signal {
          XCTFail("\(command): killed by signal \(signal); \(what)\n\(r.stderr.suffix(4000))")
        } else if r.status == 1 {
          // Besides the error, only warnings and build's progress lines ("[1/3] compiling ...").
          let errors = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning:") && $0.wholeMatch(of: /\[\d+\/\d+\] .*/) == nil }
          XCTAssertTrue(
            errors.count == 1 && errors[0].hasPrefix("error: "), "\(command): exit 1 without exactly one error: line; \(what)\n\(r.stderr.suffix(2000))")
        } else {
          XCTAssertEqual(r.status, 0, "\(command): exit \(r.status); \(what)\n\(r.stderr.suffix(2000))")
        }
      }
    }
  }
}
