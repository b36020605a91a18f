import FinchCost
import FinchIR
import FinchOffload
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// Compiles a graph with the default pipeline.
func compiled(_ graph: Graph) throws -> Graph {
  var g = graph
  try Pipeline.compile.run(on: &g)
  return g
}

/// A W1A1-class engine: PE 16, SIMD 32, bipolar weights, 8-bit activations, 16-bit thresholds.
func binaryEngine(weightDepth: Int = 4096, thresholdDepth: Int = 256, maxChannels: Int = 512) throws -> EngineConfiguration {
  try EngineConfiguration(
    pe: 16, simd: 32, weightBits: 1, activationBits: 8, thresholdBits: 16, maxKernel: 3, maxChannels: maxChannels, maxImageSize: 64,
    weightDepth: weightDepth, thresholdDepth: thresholdDepth)
}

final class ScheduleCompilerTests: XCTestCase {
  /// A network that branches schedules with a buffer per live value: the
  /// residual fixture's skip value stays in its own buffer while the long
  /// branch runs, so three buffers, and every step reads the buffer its
  /// value was written to; the sum reads two. A conv whose unpooled output
  /// something else reads keeps its pool on the CPU.
  func testABranchingNetworkKeepsEachValueUntilItsLastReader() throws {
    let engine = try narrowEngine()
    for fixture in Fixture.branching {
      let graph = try compiled(try fixture.model())
      let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
      let layers = try HardwareLayer.layers(of: graph)
      XCTAssertEqual(schedule.steps.flatMap(\.layers), layers.map(\.name))
      // Replay the schedule: each value's buffer must still hold it when a step reads it.
      var holder = [schedule.input.buffer: layers.first?.streamInputs.first ?? ""]
      var written: [String: String] = [:]  // layer output value -> its step's output value
      let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
      for step in schedule.steps {
        let group = step.layers.compactMap { byName[$0] }
        let inside = Set(group.map(\.streamOutput))
        let reads = group.flatMap { $0.streamInputs.filter { !inside.contains($0) } }
        XCTAssertEqual(step.inputs.count, reads.count, "\(fixture) \(step.layers)")
        for (layout, value) in zip(step.inputs, reads) {
          XCTAssertEqual(holder[layout.buffer], written[value] ?? value, "\(fixture): \(step.layers) reads '\(value)' from buffer \(layout.buffer)")
        }
        if step.kind == .engine { XCTAssertEqual(step.inputs.count, 1) }
        let out = group.last?.streamOutput ?? ""
        XCTAssertFalse(step.inputs.contains { $0.buffer == step.output.buffer }, "\(fixture): \(step.layers) writes a buffer it reads")
        holder[step.output.buffer] = out
        written[out] = out
      }
      let buffers = schedule.memory.activationBuffers.count
      if fixture.name.hasPrefix("resnet") {
        XCTAssertEqual(buffers, 3, "\(fixture)")
        XCTAssertTrue(schedule.steps.contains { $0.inputs.count == 2 }, "\(fixture): no step reads two values")
      } else {
        XCTAssertEqual(buffers, 2, "\(fixture): a chain ping-pongs")
      }
    }
  }

  /// Every fixture and the full-size CNV: each call's registers restate the
  /// facts of its layers, tiles cover every output channel once, and every
  /// hardware layer is on the engine or on the CPU list, once, in order.
  func testRegistersRestateLayerFacts() throws {
    let engines = [try binaryEngine(), try binaryEngine(weightDepth: 512, thresholdDepth: 8)]
    for graph in try Fixture.all.map({ try compiled(try $0.model()) }) + [try compiled(try BNNPynqCNV.make())] {
      let layers = try HardwareLayer.layers(of: graph)
      let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
      for engine in engines {
        let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
        XCTAssertEqual(schedule.steps.flatMap(\.layers), layers.map(\.name))
        XCTAssertEqual(Set(schedule.cpuLayers.map(\.name)).count, schedule.cpuLayers.count)
        for step in schedule.steps where step.kind == .engine {
          let calls = step.calls.map { schedule.calls[$0] }
          let mvau = try XCTUnwrap(byName[calls[0].mvau])
          XCTAssertEqual(calls.map(\.channels).reduce(0, +), mvau.mh, mvau.name)
          XCTAssertEqual(calls.map(\.tile), Array(0..<calls.count))
          for call in calls {
            let swu = call.layers.first.flatMap { byName[$0] }.flatMap { $0.kind == .swu ? $0 : nil }
            let kernel = Int(call[.kernel]!)
            let (kh, kw) = (kernel & 0xFF, kernel >> 8)
            let inChannels = Int(call[.inChannels]!)
            XCTAssertEqual(inChannels % engine.simd, 0)
            XCTAssertEqual(kh * kw * (swu?.channels ?? mvau.mw / (kh * kw)), mvau.mw, "fan-in of \(mvau.name)")
            if let swu {
              XCTAssertEqual([kh, kw], swu.kernel)
              XCTAssertEqual(Int(call[.stride]!), swu.stride[0] | swu.stride[1] << 8)
              XCTAssertEqual(Int(call[.outDim]!), swu.outputDims[0] | swu.outputDims[1] << 16)
              XCTAssertEqual(inChannels, (swu.channels + engine.simd - 1) / engine.simd * engine.simd)
            }
            XCTAssertEqual(call.outputPixels, mvau.vectors, mvau.name)
            XCTAssertEqual(Int(call[.outChannels]!), call.channels)
            XCTAssertEqual(Int(call[.outChannelsPadded]!), call.peGroups * engine.pe)
            XCTAssertEqual(call.simdFolds, kh * kw * inChannels / engine.simd)
            XCTAssertEqual(call.peGroups * call.simdFolds <= engine.weightDepth, true)
            let mode = EngineRegister.Mode(rawValue: call[.mode]!)
            XCTAssertEqual(mode.contains(.xnor), mvau.xnor)
            XCTAssertEqual(mode.contains(.thresholds), mvau.thresholds > 0)
            XCTAssertEqual(Int(call[.weightWords]!), call.weightWords)
            XCTAssertEqual(call.weightWords, call.peGroups * call.simdFolds * engine.memoryWordsPerWeightWord)
            if call.tiles > 1 {
              XCTAssertEqual(call.firstChannel * step.output.elementBits % engine.memoryWordBits, 0, "tile \(call.tile) of \(mvau.name) is not word-aligned")
            }
            if let pool = call.layers.count == 3 ? byName[call.layers[2]] : nil {
              XCTAssertEqual(Int(call[.layerType]!), EngineRegister.LayerType.convPool.rawValue)
              XCTAssertEqual(Int(call[.poolOutDim]!), pool.outputDims[0] | pool.outputDims[1] << 16)
            }
          }
        }
      }
    }
  }

  /// Thresholding and label-select layers go to the CPU with their reason;
  /// the fixtures' first layers are input quantizers, so the CPU list starts with one.
  func testCPULayersCarryReasons() throws {
    let schedule = try ScheduleCompiler(engine: try binaryEngine()).schedule(try compiled(try Fixture(name: "cnv_w1a1_small").model()))
    XCTAssertEqual(schedule.cpuLayers.map(\.name), ["Quant_0"])
    XCTAssertTrue(schedule.cpuLayers[0].reason.contains("thresholding"))
    XCTAssertEqual(schedule.steps.filter { $0.kind == .engine }.count, 8)
    XCTAssertEqual(schedule.steps.map(\.kind).first, .cpu)
  }
}
