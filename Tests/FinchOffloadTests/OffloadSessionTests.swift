import FinchCost
import FinchIR
import FinchInterpreter
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

/// The host runtime's driver boundary, with the reference driver: a schedule
/// runs the same at any base address, two drivers in lockstep agree word for
/// word after every call, and a bad schedule or a driver for another engine is
/// an error naming the call, its layer and the register before anything runs.
final class OffloadSessionTests: XCTestCase {
  private func tfc() throws -> (Graph, OffloadRun) {
    let graph = try compiled(try Fixture(name: "tfc_w1a1").model())
    let schedule = try ScheduleCompiler(engine: try binaryEngine(weightDepth: 256, thresholdDepth: 2)).schedule(graph)
    return (graph, try OffloadRun(graph: graph, schedule: schedule, image: try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph))))
  }

  /// A model driver at base 0x10000 in lockstep with one at base 0: outputs equal the interpreter's, memory equal after every call.
  func testLockstepAtAnotherBaseMatchesInterpreter() throws {
    let (graph, run) = try tfc()
    let engine = run.schedule.engine
    let driver = LockstepDriver(device: ModelDriver(engine: engine, base: 0x10000), reference: ModelDriver(engine: engine), memoryMap: run.schedule.memory)
    var session = try OffloadSession(run, driver: driver)
    XCTAssertEqual(session.base, 0x10000)
    let name = graph.inputs[0]
    let samples = try Interpreter.split(try Fixture(name: "tfc_w1a1").inputs(), into: XCTUnwrap(graph.types[name]), name: name)
    for sample in samples.prefix(5) {
      let result = try session.run([name: sample])
      assertBitExact(try XCTUnwrap(result.outputs[graph.outputs[0]]), try XCTUnwrap(Interpreter(graph: graph).run([name: sample])[graph.outputs[0]]))
      XCTAssertEqual(result.cycles, [Int?](repeating: nil, count: run.schedule.calls.count), "the model counts no cycles")
    }
    XCTAssertEqual(session.driver.device.activities.count, 5 * run.schedule.calls.count)
    XCTAssertEqual(session.driver.device.activities, session.driver.reference.activities)
  }

  /// A call with a register the engine refuses, and a driver for another engine: errors before any driver command.
  func testBadSchedulesAreErrorsBeforeAnythingRuns() throws {
    let (graph, run) = try tfc()
    var schedule = run.schedule
    let call = 1
    let kernel = try XCTUnwrap(schedule.calls[call].registers.firstIndex { $0.name == .kernel })
    schedule.calls[call].registers[kernel].value = 0x0404
    let bad = try OffloadRun(graph: graph, schedule: schedule, image: run.image)
    XCTAssertThrowsError(try OffloadSession(bad, driver: ModelDriver(engine: schedule.engine))) {
      XCTAssertEqual("\($0)", "offload run: call 1 (\(schedule.calls[call].mvau)): register kernel = 1028: outside 1...3")
    }
    let other = try binaryEngine(weightDepth: 512, thresholdDepth: 2)
    XCTAssertThrowsError(try OffloadSession(run, driver: ModelDriver(engine: other))) {
      XCTAssertEqual("\($0)", "offload run: the schedule's engine differs from the driver's: weight_depth 256 vs 512")
    }
  }

  /// A word one driver holds and the other does not is reported after the next call, with its region and both values.
  func testLockstepNamesTheFirstDifferingWord() throws {
    let (_, run) = try tfc()
    let schedule = run.schedule
    var lockstep = LockstepDriver(device: ModelDriver(engine: schedule.engine), reference: ModelDriver(engine: schedule.engine), memoryMap: schedule.memory)
    let base = try lockstep.allocate(bytes: schedule.memory.totalBytes)
    try lockstep.write(run.image.bytes, at: base)
    // A weight region of the last call: the first call neither reads nor writes it.
    let region = try XCTUnwrap(schedule.memory.regions.last)
    var word = Array(run.image.bytes[(region.offset + 8)..<(region.offset + 16)])
    word[0] ^= 0xFF
    try lockstep.device.write(word, at: base + region.offset + 8)
    for r in schedule.calls[0].registers { try lockstep.write(r.name, r.value) }
    try lockstep.start()
    let hex = { (bytes: [UInt8]) in bytes.reversed().map { String(format: "%02x", $0) }.joined() }
    XCTAssertThrowsError(try lockstep.wait(cycleLimit: 1)) {
      let says = "words differing: 1 in \(region.name); first at byte \(region.offset + 8) (\(region.name) word 1): 0x\(hex(word)), reference 0x"
      XCTAssertTrue("\($0)".contains(says + hex(Array(run.image.bytes[(region.offset + 8)..<(region.offset + 16)]))), "\($0)")
    }
  }

  /// The cycle limit is four times the cost model's cycles of a call plus 10,000.
  func testCycleLimitsComeFromTheCostModel() throws {
    let (_, run) = try tfc()
    let session = try OffloadSession(run, driver: ModelDriver(engine: run.schedule.engine))
    let estimate = try OffloadEstimate(run.schedule, clockMHz: 100, bandwidthGBps: Double(run.schedule.engine.memoryWordBytes) / 10)
    XCTAssertEqual(session.cycleLimits, estimate.calls.map { 4 * $0.cycles + 10_000 })
  }
}
