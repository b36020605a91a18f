import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import XCTest

/// Engine calls the fixtures do not make, on random hardware-layer graphs:
/// padding on any side with any pad value of the input type, strides 1–3,
/// max-pools whose windows overlap (2×2 stride 1, 3×3 stride 2, ...), a
/// second convolution reading the first one's records, signed and unsigned
/// thresholded outputs, raw accumulators (pooled, and passed to the CPU),
/// label select on the CPU; two engines, one that tiles output channels.
final class EngineModelTests: XCTestCase {
  func testRandomConvolutionsMatchInterpreter() throws {
    let engines = [
      try EngineConfiguration(
        pe: 4, simd: 8, weightBits: 4, activationBits: 4, thresholdBits: 24, maxKernel: 3, maxChannels: 128, maxImageSize: 16,
        weightDepth: 128, thresholdDepth: 4),
      try EngineConfiguration(
        pe: 3, simd: 2, weightBits: 4, activationBits: 8, thresholdBits: 20, maxKernel: 3, maxChannels: 128, maxImageSize: 16,
        weightDepth: 4096, thresholdDepth: 256, memoryWordBits: 32),
    ]
    var rng = SplitMix64(seed: 13)
    var (calls, tiled, pooled, padded, overlapping) = (0, 0, 0, 0, 0)
    for trial in 0..<40 {
      let xnor = trial % 3 == 0
      let inType: DataType = xnor ? .bipolar : rng.pick([.bipolar, .binary, .int(2), .uint(3), .int(4)])
      var g = Graph(name: "conv\(trial)", inputs: ["x"], outputs: [], nodes: [], initializers: [:], types: [:])
      g.types["x"] = ValueType(shape: [1, rng.int(3...9), rng.int(3...9), rng.pick([1, 3, 5, 8, 17])], dataType: inType)
      var last = try RandomEngineGraph.conv(&g, "x", 0, xnor: xnor, &rng)
      if let t = g.type(of: last), t.dataType.bitWidth <= 4, t.shape[1] >= 1, rng.chance(0.6) {
        last = try RandomEngineGraph.conv(&g, last, 1, xnor: xnor && t.dataType == .bipolar, &rng)
      }
      if rng.chance(0.3) {
        g.nodes.append(Node(name: "select", op: .labelSelect(k: 1), inputs: [last], outputs: ["labels"]))
        last = "labels"
      }
      g.outputs = [last]
      try g.inferTypes()
      try g.verify()
      let samples = RandomQNN.inputs(for: g, samples: 3, seed: UInt64(trial))
      for (e, engine) in engines.enumerated() {
        let counts = try assertRunsLikeInterpreter(g, engine, samples: samples, "trial \(trial) engine \(e)\n\(g.text)", printCycles: false)
        (calls, tiled) = (calls + counts.engineCalls, tiled + counts.tiled)
        for call in try ScheduleCompiler(engine: engine).schedule(g).calls {
          let (pool, pads) = (call[.pool] ?? 0, call[.pads] ?? 0)
          if call.layers.count == 3 { pooled += 1 }
          if pads != 0 { padded += 1 }
          if pool != 0, (pool & 0xFF) > (pool >> 16 & 0xFF) || (pool >> 8 & 0xFF) > (pool >> 24) { overlapping += 1 }
        }
      }
    }
    XCTAssertGreaterThan(calls, 60)
    XCTAssertGreaterThan(tiled, 5)
    XCTAssertGreaterThan(pooled, 10)
    XCTAssertGreaterThan(padded, 20)
    XCTAssertGreaterThan(overlapping, 5)
    print("engine model: \(calls) calls, \(tiled) tiles, \(pooled) pooled (\(overlapping) overlapping), \(padded) padded")
  }

  /// A call the engine cannot execute is an error naming the register or the memory it would reach, never a trap.
  func testBadCallsAreErrors() throws {
    let graph = try compiled(try Fixture(name: "cnv_w1a1_small").model())
    let schedule = try ScheduleCompiler(engine: try binaryEngine()).schedule(graph)
    let image = try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph))
    let model = EngineModel(engine: schedule.engine)
    let good = Dictionary(uniqueKeysWithValues: schedule.calls[1].registers.map { ($0.name, $0.value) })
    var memory = try OffloadMemory(schedule: schedule, image: image)
    XCTAssertNoThrow(try model.execute(good, memory: &memory))
    let bad: [(EngineRegister, UInt32?, String)] = [
      (.inChannels, 33, "in_channels"), (.kernel, 0x0404, "kernel"), (.weightWords, 1, "weight_words"), (.outWordOffset, 1000, "overruns"),
      (.inputAddress, UInt32(schedule.memory.totalBytes), "input activations"), (.padChannels, nil, "pad_channels was not written"),
      (.poolOutDim, 0x00FF_00FF, "pool_out_dim"), (.layerType, 3, "layer_type"),
    ]
    for (register, value, says) in bad {
      var registers = good
      registers[register] = value
      XCTAssertThrowsError(try model.execute(registers, memory: &memory), register.rawValue) { XCTAssertTrue("\($0)".contains(says), "\($0)") }
    }
  }

  /// A convolution reading another's raw accumulators (records of `threshold_bits` lanes, here INT2 values)
  /// runs on the CPU, since the engine reads activation lanes; the outputs stay exact.
  func testAccumulatorRecordsGoToTheCPU() throws {
    var g = Graph(name: "acc", inputs: ["x"], outputs: ["y1"], nodes: [], initializers: [:], types: ["x": ValueType(shape: [1, 4, 4, 1], dataType: .binary)])
    for i in 0..<2 {
      let swu = SWU(kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1])
      g.nodes.append(Node(name: "swu\(i)", op: .swu(swu), inputs: [i == 0 ? "x" : "y0"], outputs: ["win\(i)"]))
      let shape: Shape = i == 0 ? [1, 2] : [2, 1]
      g.initializers["w\(i)"] = Tensor(shape: shape, floats: i == 0 ? [-2, 1] : [1, -1])
      g.types["w\(i)"] = ValueType(shape: shape, dataType: .int(2))
      g.nodes.append(Node(name: "mvau\(i)", op: .mvau(MVAU(xnor: false)), inputs: ["win\(i)", "w\(i)"], outputs: ["y\(i)"]))
    }
    try g.inferTypes()
    try g.verify()
    let engine = try EngineConfiguration(
      pe: 1, simd: 1, weightBits: 2, activationBits: 4, thresholdBits: 8, maxKernel: 3, maxChannels: 8, maxImageSize: 8, weightDepth: 16, thresholdDepth: 1)
    let schedule = try ScheduleCompiler(engine: engine).schedule(g)
    XCTAssertEqual(schedule.steps.map(\.kind), [.engine, .cpu])
    XCTAssertTrue(schedule.cpuLayers.first?.reason.contains("input element bits 8") ?? false, "\(schedule.cpuLayers)")
    try assertRunsLikeInterpreter(g, engine, samples: RandomQNN.inputs(for: g, samples: 4, seed: 1), "accumulator records", printCycles: false)
  }
}
