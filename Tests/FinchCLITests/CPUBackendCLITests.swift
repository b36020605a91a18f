import FinchCPU
import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// `finch run --backend` and `finch bench` as a user runs them.
final class CPUBackendCLITests: XCTestCase {
  /// Both backends write the same outputs, equal to qonnx's, for every fixture.
  func testBackendsWriteIdenticalOutputs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-backends-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for fixture in Fixture.all {
      var outputs: [Tensor] = []
      for backend in ["cpu", "interpreter"] {
        let path = dir.appendingPathComponent("\(fixture.name).\(backend).npy").path
        let r = try FinchCLI.run(["run", fixture.modelPath, "-i", fixture.inputPath, "-o", path, "--backend", backend, "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        outputs.append(try NPY.read(path: path))
      }
      assertBitExact(outputs[0], outputs[1], "\(fixture): cpu vs interpreter")
      assertBitExact(outputs[0], try fixture.outputs(), "\(fixture): cpu vs qonnx")
    }
  }

  /// Every kernel family this CPU has (forced with FINCH_CPU_ISA) runs every
  /// fixture exactly; the in-process tests only see the fastest one.
  func testEveryInstructionSetRunsTheFixturesExactly() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finch-isa-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for isa in KernelISA.allCases where CPUFeatures.host.supports(isa) {
      for fixture in Fixture.all {
        let path = dir.appendingPathComponent("\(fixture.name).\(isa).npy").path
        let r = try FinchCLI.run(
          ["run", fixture.modelPath, "-i", fixture.inputPath, "-o", path, "--threads", "2"], environment: ["FINCH_CPU_ISA": isa.rawValue])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
        assertBitExact(try NPY.read(path: path), try fixture.outputs(), "\(fixture) with \(isa) kernels")
      }
    }
  }

  func testBenchJSONHasTheDocumentedKeys() throws {
    for backend in ["cpu", "interpreter"] {
      let r = try FinchCLI.run([
        "bench", Fixture(name: "tfc_w2a2").modelPath, "--backend", backend, "--batch", "4", "--threads", "2", "--seconds", "0.05",
        "--json",
      ])
      XCTAssertEqual(r.status, 0, r.stderr)
      let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
      for key in ["backend", "batch", "threads", "frames_per_second", "latency_ms_p50", "latency_ms_p99", "gops"] {
        XCTAssertNotNil(object[key], "\(backend): \(key) missing in \(r.stdout)")
      }
      XCTAssertEqual(object["backend"] as? String, backend)
      XCTAssertEqual(object["batch"] as? Int, 4)
      XCTAssertGreaterThan(try XCTUnwrap(object["frames_per_second"] as? Double), 0)
      // 2 · (784·64 + 64·64 + 64·64 + 64·10) operations per frame.
      let gops = try XCTUnwrap(object["gops"] as? Double), fps = try XCTUnwrap(object["frames_per_second"] as? Double)
      XCTAssertEqual(gops * 1e9 / fps, 2 * 59008, accuracy: 1)
    }
  }

  func testBenchTextAndLayerProfile() throws {
    let r = try FinchCLI.run(["bench", Fixture(name: "cnv_w1a1_small").modelPath, "--seconds", "0.05", "--layers"])
    XCTAssertEqual(r.status, 0, r.stderr)
    for text in ["frames/s", "latency", "GOPS", "Conv_1", "binary GEMM"] { XCTAssertTrue(r.stdout.contains(text), r.stdout) }
  }

  func testBadArgumentsAreUsageErrors() throws {
    let model = Fixture(name: "tfc_w1a1").modelPath
    XCTAssertEqual(try FinchCLI.run(["bench", model, "--batch", "0"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["bench", model, "--backend", "gpu"]).status, 64)
    XCTAssertEqual(try FinchCLI.run(["run", model, "-i", Fixture(name: "tfc_w1a1").inputPath, "--threads", "0"]).status, 64)
    let wrongShape = try FinchCLI.run(["run", model, "-i", Fixture(name: "cnv_w1a1_small").inputPath])
    XCTAssertEqual(wrongShape.status, 1)
    XCTAssertTrue(wrongShape.stderr.contains("error:"), wrongShape.stderr)
  }
}
