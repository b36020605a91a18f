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
  /// Harness builds, kept between runs (each named by a hash of all that goes into it).
  static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finch-offload-engines")

  /// A slow DRAM: latency 12, 3 bytes per cycle, each handshake held low a fifth of the cycles, at most 4 requests queued.
  static let slowDRAM = VerilatorEngine.DRAM(base: 0x4_0000, latency: 12, bytesPerCycle: 3, stall: 0.2, seed: 7, outstanding: 4)

  private func engine(pe: Int, simd: Int, w: Int, a: Int, t: Int = 16, channels: Int = 128, weights: Int = 2048, thresholds: Int = 64, word: Int = 64)
    throws -> EngineConfiguration
  {
    try EngineConfiguration(
      pe: pe, simd: simd, weightBits: w, activationBits: a, thresholdBits: t, maxKernel: 3, maxChannels: channels, maxImageSize: 32,
      weightDepth: weights, thresholdDepth: thresholds, memoryWordBits: word)
  }

  /// Compiles `fixture` for `engine` and runs its first `samples` samples on
  /// the Verilog under each DRAM; prints each frame's simulated cycles against the cost model.
  private func assertEngineRuns(_ fixture: String, _ engine: EngineConfiguration, samples count: Int, file: StaticString = #filePath, line: UInt = #line)
    throws
  {
    var graph = try Fixture(name: fixture).model()
    try Pipeline.compile.run(on: &graph)
    let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
    let run = try OffloadRun(graph: graph, schedule: schedule, image: try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph)))
    let name = graph.inputs[0]
    let samples = try Interpreter.split(try Fixture(name: fixture).inputs(), into: XCTUnwrap(graph.types[name]), name: name).prefix(count)
    XCTAssertFalse(schedule.calls.isEmpty, "\(fixture): nothing on the engine", file: file, line: line)
    for dram in [VerilatorEngine.DRAM(), Self.slowDRAM] {
      let device = try VerilatorEngine(engine: engine, dram: dram, cache: Self.cache)
      let wordsPerCycle = (dram.bytesPerCycle ?? Double(engine.memoryWordBytes))
      let estimate = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: wordsPerCycle / 10)
      let lockstep = LockstepDriver(device: device, reference: ModelDriver(engine: engine), memoryMap: schedule.memory)
      var session = try OffloadSession(run, driver: lockstep, estimate: estimate)
      let label = "\(fixture) on \(engine.pe)×\(engine.simd) W\(engine.weightBits)A\(engine.activationBits), DRAM \(dram)"
      for (i, sample) in samples.enumerated() {
        let result: OffloadSession<LockstepDriver<VerilatorEngine, ModelDriver>>.Result
        do { result = try session.run([name: sample]) } catch {
          XCTFail("\(label) sample \(i): \(error)", file: file, line: line)
          return
        }
        let expected = try Interpreter(graph: graph).run([name: sample])
        for output in graph.outputs {
          assertBitExact(try XCTUnwrap(result.outputs[output]), try XCTUnwrap(expected[output]), "\(label) sample \(i)", file: file, line: line)
        }
        let cycles = result.cycles.compactMap { $0 }
        XCTAssertEqual(cycles.count, schedule.calls.count, label, file: file, line: line)
        if i == 0 {
          let simulated = cycles.reduce(0, +)
          print("\(label): \(schedule.calls.count) calls (\(schedule.calls.filter { $0.tiles > 1 }.count) tiles), \(simulated) cycles/frame simulated, cost model \(estimate.cycles) (\(String(format: "%+.1f", 100 * Double(simulated - estimate.cycles) / Double(estimate.cycles)))%)")
        }
      }
    }
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
      let device = try VerilatorEngine(engine: engine, cache: Self.cache)
      let base = try device.allocate(bytes: schedule.memory.totalBytes)
      for r in call.registers { try device.write(r.name, r.name.isAddress ? r.value + UInt32(base + shift) : r.value) }
      try device.start()
      XCTAssertThrowsError(try device.wait(cycleLimit: limit)) { XCTAssertTrue("\($0)".contains(says), "\($0)") }
    }
  }
}
