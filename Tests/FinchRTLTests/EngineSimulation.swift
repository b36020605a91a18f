import FinchCost
import FinchIR
import FinchInterpreter
import FinchOffload
import FinchRTL
import FinchTestSupport
import Foundation
import XCTest

/// Running a compiled graph's schedule on the engine Verilog in Verilator, in
/// lockstep with the reference model, against the interpreter and the cost
/// model: what OffloadEngineTests and OffloadNetworkTests share.
enum EngineSimulation {
  /// Harness builds, kept between runs (each named by a hash of all that goes into it).
  static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("finch-offload-engines")

  /// A slow DRAM: latency 12, 3 bytes per cycle, each handshake held low a fifth of the cycles, at most 4 requests queued.
  static let slowDRAM = VerilatorEngine.DRAM(base: 0x4_0000, latency: 12, bytesPerCycle: 3, stall: 0.2, seed: 7, outstanding: 4)

  /// Most a frame's simulated cycles may differ from the cost model's on the ideal DRAM.
  static let tolerance = 0.05

  /// An engine with kernels up to 3 and images up to 32.
  static func engine(
    pe: Int, simd: Int, w: Int, a: Int, t: Int = 16, channels: Int = 128, weights: Int = 2048, thresholds: Int = 64, word: Int = 64
  ) throws -> EngineConfiguration {
    try EngineConfiguration(
      pe: pe, simd: simd, weightBits: w, activationBits: a, thresholdBits: t, maxKernel: 3, maxChannels: channels, maxImageSize: 32,
      weightDepth: weights, thresholdDepth: thresholds, memoryWordBits: word)
  }

  /// One frame of one network on one engine and DRAM: a row of Docs/offload.md §12's table.
  struct Row: CustomStringConvertible {
    var network: String
    var engine: EngineConfiguration
    var ideal: Bool
    var calls: Int
    var simulated: Int
    var model: Int
    /// (simulated − model) / model.
    var error: Double { Double(simulated - model) / Double(max(model, 1)) }

    /// `| network | PE×SIMD W A, port | DRAM | calls | simulated | model | error |`
    var description: String {
      let e = engine
      return "| \(network) | \(e.pe)×\(e.simd) W\(e.weightBits)A\(e.activationBits), \(e.memoryWordBits)-bit | \(ideal ? "ideal" : "slow") | \(calls) | "
        + "\(simulated) | \(model) | \(String(format: "%+.1f%%", 100 * error)) |"
    }
  }

  /// The first `count` samples of a fixture's reference inputs for `graph`.
  static func samples(_ fixture: String, of graph: Graph, count: Int) throws -> [Tensor] {
    let name = graph.inputs[0]
    return Array(try Interpreter.split(try Fixture(name: fixture).inputs(), into: XCTUnwrap(graph.types[name]), name: name).prefix(count))
  }

  /// `count` random samples for `graph` (``RandomQNN/inputs(for:samples:seed:)``).
  static func samples(randomFor graph: Graph, count: Int, seed: UInt64) throws -> [Tensor] {
    let name = graph.inputs[0]
    return try Interpreter.split(RandomQNN.inputs(for: graph, samples: count, seed: seed), into: XCTUnwrap(graph.types[name]), name: name)
  }
}

/// Schedules the compiled `graph` for `engine` and runs `samples` on the
/// Verilog on the ideal DRAM, then the first `slowSamples` on the slow one,
/// each call in lockstep with ``ModelDriver`` (memory equal after every
/// call), outputs bit-exact with the interpreter; on the ideal DRAM the
/// first frame's cycles must be within ``EngineSimulation/tolerance`` of the
/// cost model. With `cpuLayers`, exactly those layers run on the CPU. Returns
/// the first frame of each DRAM as a table row (also printed).
@discardableResult
func assertEngineRuns(
  _ graph: Graph, _ engine: EngineConfiguration, samples: [Tensor], slowSamples: Int? = nil, label: String, cpuLayers: [String]? = nil,
  file: StaticString = #filePath, line: UInt = #line
) throws -> [EngineSimulation.Row] {
  let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
  let run = try OffloadRun(graph: graph, schedule: schedule, image: try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph)))
  let name = graph.inputs[0]
  XCTAssertFalse(schedule.calls.isEmpty, "\(label): nothing on the engine", file: file, line: line)
  if let cpuLayers { XCTAssertEqual(schedule.cpuLayers.map(\.name), cpuLayers, "\(label): \(schedule.cpuLayers)", file: file, line: line) }
  let interpreter = Interpreter(graph: graph)
  var rows: [EngineSimulation.Row] = []
  for (dram, count) in [(VerilatorEngine.DRAM(), samples.count), (EngineSimulation.slowDRAM, slowSamples ?? samples.count)] where count > 0 {
    let ideal = dram == VerilatorEngine.DRAM()
    let device = try VerilatorEngine(engine: engine, dram: dram, cache: EngineSimulation.cache)
    let wordsPerCycle = dram.bytesPerCycle ?? Double(engine.memoryWordBytes)
    let estimate = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: wordsPerCycle / 10)
    let lockstep = LockstepDriver(device: device, reference: ModelDriver(engine: engine), memoryMap: schedule.memory)
    var session = try OffloadSession(run, driver: lockstep, estimate: estimate)
    let context = "\(label) on \(engine.pe)×\(engine.simd) W\(engine.weightBits)A\(engine.activationBits), DRAM \(dram)"
    for (i, sample) in samples.prefix(count).enumerated() {
      let result: OffloadSession<LockstepDriver<VerilatorEngine, ModelDriver>>.Result
      do { result = try session.run([name: sample]) } catch {
        XCTFail("\(context) sample \(i): \(error)", file: file, line: line)
        return rows
      }
      let expected = try interpreter.run([name: sample])
      for output in graph.outputs {
        assertBitExact(try XCTUnwrap(result.outputs[output]), try XCTUnwrap(expected[output]), "\(context) sample \(i)", file: file, line: line)
      }
      let cycles = result.cycles.compactMap { $0 }
      XCTAssertEqual(cycles.count, schedule.calls.count, context, file: file, line: line)
      guard i == 0 else { continue }
      let row = EngineSimulation.Row(
        network: label, engine: engine, ideal: ideal, calls: schedule.calls.count, simulated: cycles.reduce(0, +), model: estimate.cycles)
      rows.append(row)
      print(row)
      if ideal {
        XCTAssertLessThanOrEqual(
          abs(row.error), EngineSimulation.tolerance, "\(context): \(row.simulated) cycles simulated, cost model \(row.model); per call: "
            + zip(cycles, estimate.calls).map { "\($1.mvau) \($0)/\($1.cycles)" }.joined(separator: ", "), file: file, line: line)
      }
    }
  }
  return rows
}
