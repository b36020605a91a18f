import FinchCost
import FinchIR
import FinchInterpreter
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

/// The engine reference model against the interpreter: every fixture, the
/// full-size CNV and random QNNs, compiled for several engines (some forcing
/// output-channel tiling), run sample by sample through the schedule on the
/// bytes of a simulated DRAM; outputs must be bit-identical, and each call
/// must move and compute exactly what the schedule (and so the cost model) says.
final class OffloadRunTests: XCTestCase {
  /// The bundled fixtures on their 100 reference samples, each on an engine
  /// that holds every layer whole and one that tiles output channels.
  func testFixturesMatchInterpreter() throws {
    let wide = try EngineConfiguration(
      pe: 8, simd: 16, weightBits: 4, activationBits: 8, thresholdBits: 18, maxKernel: 3, maxChannels: 512, maxImageSize: 32,
      weightDepth: 256, thresholdDepth: 4, memoryWordBits: 128)
    let cases: [(String, [EngineConfiguration])] = [
      ("tfc_w1a1", [try binaryEngine(), try binaryEngine(weightDepth: 256, thresholdDepth: 2)]),
      ("tfc_w2a2", [try narrowEngine(), wide]),
      ("cnv_w1a1_small", [try binaryEngine(), try binaryEngine(weightDepth: 64)]),
    ]
    for (name, engines) in cases {
      let fixture = Fixture(name: name)
      let graph = try compiled(try fixture.model())
      var tiled = 0
      for (i, engine) in engines.enumerated() {
        tiled += try assertRunsLikeInterpreter(graph, engine, samples: try fixture.inputs(), "\(name) engine \(i)").tiled
      }
      XCTAssertGreaterThan(tiled, 0, "\(name): no engine tiled a layer")
    }
  }

  /// The branching fixtures (a residual CNN, a depthwise-separable CNN) on
  /// their reference samples: sums, depthwise layers and the global pool on
  /// the CPU between engine calls, the skip value in a buffer of its own.
  func testBranchingFixturesMatchInterpreter() throws {
    let fourBit = try EngineConfiguration(
      pe: 4, simd: 8, weightBits: 4, activationBits: 4, thresholdBits: 24, maxKernel: 3, maxChannels: 256, maxImageSize: 32,
      weightDepth: 1024, thresholdDepth: 64)
    for (fixture, engine) in zip(Fixture.branching, [try narrowEngine(), fourBit]) {
      let graph = try compiled(try fixture.model())
      let samples = try fixture.inputs()
      let first = Tensor(shape: Shape([8] + samples.shape.dims.dropFirst()), floats: Array(samples.floats.prefix(8 * samples.count / samples.shape[0])))
      let counts = try assertRunsLikeInterpreter(graph, engine, samples: first, fixture.name)
      XCTAssertGreaterThan(counts.engineCalls, 0, "\(fixture): nothing ran on the engine")
    }
  }

  /// The full-size BNN-PYNQ CNV (64-64-128-128-256-256 conv, 512-512 FC) on random inputs, whole and tiled.
  func testFullSizeCNVMatchesInterpreter() throws {
    let graph = try compiled(try BNNPynqCNV.make())
    let samples = RandomQNN.inputs(for: graph, samples: 2, seed: 7)
    let whole = try assertRunsLikeInterpreter(graph, try binaryEngine(), samples: samples, "CNV")
    let tiles = try assertRunsLikeInterpreter(graph, try binaryEngine(weightDepth: 512, thresholdDepth: 8), samples: samples, "CNV tiled")
    XCTAssertGreaterThan(tiles.tiled, whole.tiled)
  }

  /// Random QNNs (MLPs and CNNs, odd channel counts, 1–8-bit weights and
  /// activations) on random inputs: on a 4-bit engine (the wider layers on
  /// the CPU in between) and on an 8-bit one with odd PE and SIMD that tiles.
  func testRandomQNNsMatchInterpreter() throws {
    let engines = [
      try EngineConfiguration(
        pe: 4, simd: 8, weightBits: 4, activationBits: 4, thresholdBits: 24, maxKernel: 5, maxChannels: 256, maxImageSize: 64,
        weightDepth: 128, thresholdDepth: 4),
      try EngineConfiguration(
        pe: 3, simd: 5, weightBits: 8, activationBits: 8, thresholdBits: 32, maxKernel: 15, maxChannels: 255, maxImageSize: 64,
        weightDepth: 256, thresholdDepth: 8, memoryWordBits: 32),
    ]
    var (networks, engineCalls, tiled) = (0, 0, 0)
    for seed in UInt64(1)...60 {
      let graph: Graph
      do { graph = try compiled(RandomQNN.make(seed: seed)) } catch { continue }
      guard HardwarePartition(graph).unlowered.isEmpty, (try? HardwareLayer.layers(of: graph))?.isEmpty == false else { continue }
      let samples = RandomQNN.inputs(for: graph, samples: 4, seed: seed)
      for (i, engine) in engines.enumerated() {
        let counts = try assertRunsLikeInterpreter(graph, engine, samples: samples, "seed \(seed) engine \(i)", printCycles: false)
        (engineCalls, tiled) = (engineCalls + counts.engineCalls, tiled + counts.tiled)
      }
      networks += 1
    }
    XCTAssertGreaterThan(networks, 40)
    XCTAssertGreaterThan(engineCalls, 150, "random QNNs hardly reached the engine")
    XCTAssertGreaterThan(tiled, 10, "random QNNs were hardly tiled")
    print("random QNNs: \(networks) networks, \(engineCalls) engine calls, \(tiled) of them tiles")
  }

  /// Random branching CNNs (residual and concatenation blocks over mixed
  /// precisions) on an 8-bit engine: the sums and concatenations on the
  /// CPU read two buffers, the engine calls around them whatever buffer
  /// their value was left in.
  func testRandomBranchingQNNsMatchInterpreter() throws {
    let engine = try EngineConfiguration(
      pe: 4, simd: 8, weightBits: 8, activationBits: 8, thresholdBits: 32, maxKernel: 5, maxChannels: 256, maxImageSize: 64,
      weightDepth: 256, thresholdDepth: 8)
    var (networks, joins, engineCalls) = (0, 0, 0)
    for seed in UInt64(1)...60 {
      let graph: Graph
      do { graph = try compiled(RandomQNN.make(seed: seed, branching: true)) } catch { continue }
      guard HardwarePartition(graph).unlowered.isEmpty, let layers = try? HardwareLayer.layers(of: graph),
        layers.contains(where: { $0.streamInputs.count == 2 })
      else { continue }
      let counts = try assertRunsLikeInterpreter(graph, engine, samples: RandomQNN.inputs(for: graph, samples: 2, seed: seed), "seed \(seed)", printCycles: false)
      (networks, joins, engineCalls) = (networks + 1, joins + layers.filter { $0.streamInputs.count == 2 }.count, engineCalls + counts.engineCalls)
    }
    XCTAssertGreaterThan(networks, 5, "few random networks branched")
    XCTAssertGreaterThan(engineCalls, 20, "random branching networks hardly reached the engine")
    print("random branching QNNs: \(networks) networks, \(joins) joins, \(engineCalls) engine calls")
  }
}

/// A 2-bit engine: PE 4, SIMD 8, 2-bit weights, 2-bit activations (3 thresholds), 32-bit memory words.
func narrowEngine() throws -> EngineConfiguration {
  try EngineConfiguration(
    pe: 4, simd: 8, weightBits: 2, activationBits: 2, thresholdBits: 16, maxKernel: 3, maxChannels: 1024, maxImageSize: 32,
    weightDepth: 65536, thresholdDepth: 1024, memoryWordBits: 32)
}

/// Runs `samples` through `graph` compiled for `engine`; checks the outputs,
/// each call's activity against the schedule and the frame's cycles from the
/// model's counts against the cost model (printed); returns the number of
/// calls that were tiles of a larger layer, and of all calls.
@discardableResult
func assertRunsLikeInterpreter(
  _ graph: Graph, _ engine: EngineConfiguration, samples: Tensor, _ label: String, printCycles: Bool = true, file: StaticString = #filePath,
  line: UInt = #line
) throws -> (tiled: Int, engineCalls: Int) {
  let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
  let image = try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph))
  let run = try OffloadRun(graph: graph, schedule: schedule, image: image)
  let name = graph.inputs[0]
  let interpreter = Interpreter(graph: graph)
  for (i, sample) in try Interpreter.split(samples, into: XCTUnwrap(graph.types[name]), name: name).enumerated() {
    let expected = try interpreter.run([name: sample])
    let trace = try run.trace([name: sample])
    for output in graph.outputs {
      assertBitExact(try XCTUnwrap(trace.outputs[output]), try XCTUnwrap(expected[output]), "\(label) sample \(i) output \(output)", file: file, line: line)
    }
    XCTAssertEqual(trace.calls.count, schedule.calls.count, label, file: file, line: line)
    for (call, activity) in zip(schedule.calls, trace.calls) {
      XCTAssertEqual(activity, EngineModel.Activity(predicting: call), "\(label) call \(call.index) (\(call.mvau) tile \(call.tile))", file: file, line: line)
    }
    if i == 0 {
      let predicted = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: 1)
      let measured = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: 1, measured: trace.calls)
      XCTAssertEqual(measured, predicted, label, file: file, line: line)
      if printCycles { print("\(label): \(schedule.calls.count) calls, model \(measured.cycles) cycles/frame, cost model \(predicted.cycles) (100 MHz, 1 GB/s)") }
    }
  }
  return (schedule.calls.filter { $0.tiles > 1 }.count, schedule.calls.count)
}
