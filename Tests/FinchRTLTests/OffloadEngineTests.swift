import FinchCost
import FinchIR
import FinchInterpreter
import FinchOffload
import FinchPasses
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// The offload engine Verilog in Verilator behind the driver protocol, with a
/// DRAM model on its memory port: fixtures compiled for small engines run
/// frame by frame in lockstep with the reference model (memory compared word
/// for word after every call), outputs bit-exact with the interpreter, on an
/// ideal DRAM and on a slow one that stalls at random; a call that does not
/// finish, or that reaches outside the DRAM, is an error, never a hang.
final class OffloadEngineTests: XCTestCase {
  /// Compiles `fixture` and runs its first `samples` samples on the Verilog under each DRAM (``assertEngineRuns``).
  private func assertEngineRuns(_ fixture: String, _ engine: EngineConfiguration, samples count: Int, file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    var graph = try Fixture(name: fixture).model()
    try Pipeline.compile.run(on: &graph)
    let samples = try EngineSimulation.samples(fixture, of: graph, count: count)
    try FinchRTLTests.assertEngineRuns(graph, engine, samples: samples, label: fixture, file: file, line: line)
  }

  private func engine(pe: Int, simd: Int, w: Int, a: Int, channels: Int = 128, weights: Int = 2048, word: Int = 64) throws -> EngineConfiguration {
    try EngineSimulation.engine(pe: pe, simd: simd, w: w, a: a, channels: channels, weights: weights, word: word)
  }

  /// TFC-W1A1 on a 64-bit port and on a 128-bit one (port words wider than 64 bits).
  func testTFCW1A1MatchesInterpreterAndModel() throws {
    try assertEngineRuns("tfc_w1a1", try engine(pe: 4, simd: 8, w: 1, a: 1), samples: 3)
    try assertEngineRuns("tfc_w1a1", try engine(pe: 8, simd: 16, w: 1, a: 1, word: 128), samples: 2)
  }

  /// TFC-W2A2 on a 64-bit port, and on a 32-bit one whose weight buffer (64 words) splits each 64-channel layer into two tiles.
  func testTFCW2A2MatchesInterpreterAndModel() throws {
    try assertEngineRuns("tfc_w2a2", try engine(pe: 4, simd: 8, w: 2, a: 2), samples: 3)
    try assertEngineRuns("tfc_w2a2", try engine(pe: 2, simd: 16, w: 2, a: 2, weights: 64, word: 32), samples: 2)
  }

  func testCNVMatchesInterpreterAndModel() throws {
    try assertEngineRuns("cnv_w1a1_small", try engine(pe: 4, simd: 8, w: 1, a: 1, channels: 64, weights: 1024), samples: 2)
  }

  /// The harness ships beside the Verilog without joining the library's Verilog sources.
  func testHarnessIsAResourceNotASource() throws {
    XCTAssertTrue(try VerilogLibrary.sources().keys.allSatisfy { $0.hasSuffix(".v") })
    XCTAssertTrue(try VerilogLibrary.resource(VerilogLibrary.offloadHarness).contains("Vfinch_offload_engine"))
  }

  /// A call that cannot finish in its cycle limit, and one whose registers send the engine outside the DRAM, end in errors that say so.
  func testHungAndStrayCallsAreErrors() throws {
    var graph = try Fixture(name: "tfc_w1a1").model()
    try Pipeline.compile.run(on: &graph)
    let engine = try engine(pe: 4, simd: 8, w: 1, a: 1)
    let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
    let call = try XCTUnwrap(schedule.calls.first)
    for (limit, shift, says) in [(10, 0, "no done after 10 cycles"), (1_000_000, schedule.memory.totalBytes, "aligned words inside the DRAM")] {
      let device = try VerilatorEngine(engine: engine, cache: EngineSimulation.cache)
      let base = try device.allocate(bytes: schedule.memory.totalBytes)
      for r in call.registers { try device.write(r.name, r.name.isAddress ? r.value + UInt32(base + shift) : r.value) }
      try device.start()
      XCTAssertThrowsError(try device.wait(cycleLimit: limit)) { XCTAssertTrue("\($0)".contains(says), "\($0)") }
    }
  }
}
