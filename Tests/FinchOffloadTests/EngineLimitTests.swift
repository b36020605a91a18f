import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

final class EngineLimitTests: XCTestCase {
  func testConfigurationRangesAreChecked() throws {
    XCTAssertThrowsError(try binaryEngine(maxChannels: 500)) {
      XCTAssertEqual($0 as? FinchOffloadError, .invalidConfiguration(field: "max_channels", value: 500, reason: "must be a multiple of SIMD 32"))
    }
    XCTAssertThrowsError(try EngineConfiguration(pe: 0, simd: 1, weightBits: 1, activationBits: 1, thresholdBits: 8, maxKernel: 3, maxChannels: 8, maxImageSize: 8, weightDepth: 8, thresholdDepth: 8))
    let json = Data(#"{"pe":4,"simd":4,"weight_bits":9,"activation_bits":2,"threshold_bits":16,"max_kernel":3,"max_channels":64,"max_image_size":32,"weight_depth":64,"threshold_depth":8,"memory_word_bits":64}"#.utf8)
    XCTAssertThrowsError(try JSONDecoder().decode(EngineConfiguration.self, from: json)) { XCTAssertTrue("\($0)".contains("weight_bits = 9")) }
    let engine = try binaryEngine()
    XCTAssertEqual(try JSONDecoder().decode(EngineConfiguration.self, from: try JSONEncoder().encode(engine)), engine)
  }

  /// Limits exceeded name the layer and the limit: as errors when CPU fallback
  /// is off, as the CPU reason when it is on.
  func testLimitsExceededNameLayerAndLimit() throws {
    let cnv = try compiled(try BNNPynqCNV.make())
    func first(_ e: EngineConfiguration) throws -> FinchOffloadError? {
      do {
        var layers = try HardwareLayer.layers(of: cnv)
        layers.removeFirst()  // the input quantizer
        _ = try ScheduleCompiler(engine: e, cpuFallback: false).schedule(layers)
        return nil
      } catch let error as FinchOffloadError { return error }
    }
    let small = { (k: Int, c: Int, depth: Int, a: Int, t: Int) in
      try EngineConfiguration(pe: 16, simd: 32, weightBits: 1, activationBits: a, thresholdBits: t, maxKernel: k, maxChannels: c, maxImageSize: 32, weightDepth: depth, thresholdDepth: 64)
    }
    XCTAssertEqual(try first(try small(2, 512, 4096, 8, 16)), .exceedsEngine(layer: "conv0_swu", field: "kernel", value: 3, reason: "exceeds the engine's max_kernel 2"))
    XCTAssertEqual(try first(try small(3, 128, 4096, 8, 16)), .exceedsEngine(layer: "conv7_swu", field: "input channels", value: 256, reason: "exceed the engine's max_channels 128"))
    XCTAssertEqual(
      try first(try small(3, 512, 64, 8, 16)),
      .exceedsEngine(layer: "conv7", field: "weight words per PE group", value: 72, reason: "exceed the engine's weight_depth 64 (input-channel tiling is not supported)"))
    XCTAssertEqual(try first(try small(3, 512, 4096, 4, 16)), .exceedsEngine(layer: "conv0", field: "input bits", value: 8, reason: "exceed the engine's activation_bits 4"))
    XCTAssertEqual(
      try first(try small(3, 512, 4096, 8, 12)),
      .exceedsEngine(layer: "conv0", field: "accumulator bits", value: 13, reason: "exceed the engine's threshold_bits 12 (its top value is reserved)"))
    // The input quantizer is a thresholding layer alone.
    XCTAssertThrowsError(try ScheduleCompiler(engine: try binaryEngine(), cpuFallback: false).schedule(cnv)) {
      guard case .unsupportedLayer(let layer, let op, _) = $0 as? FinchOffloadError else { return XCTFail("\($0)") }
      XCTAssertEqual([layer, op], ["input_quant", "Thresholding"])
    }
    // With fallback the same limit becomes the CPU reason.
    let schedule = try ScheduleCompiler(engine: try small(3, 128, 4096, 8, 16)).schedule(cnv)
    let conv7 = try XCTUnwrap(schedule.cpuLayers.first { $0.name == "conv7" })
    XCTAssertEqual(conv7.reason, "layer 'conv7_swu': input channels 256 exceed the engine's max_channels 128")
    XCTAssertEqual(schedule.cpuLayers.map(\.name), ["input_quant", "conv7_swu", "conv7"])
    XCTAssertEqual(schedule.steps.filter { $0.kind == .engine }.flatMap(\.layers).last, "fc2")
  }

  /// A conv+pool call pools thresholded codes of at most `ceil(max_channels / PE)` PE groups,
  /// and one output pixel's tile is one write burst of at most 256 words: registers past
  /// either are errors naming the register, before anything runs.
  func testPoolBufferAndBurstLimitsAreRegisterErrors() throws {
    let graph = try compiled(try Fixture(name: "cnv_w1a1_small").model())
    let engine = try binaryEngine()
    let schedule = try ScheduleCompiler(engine: engine).schedule(graph)
    let image = try MemoryImage(schedule: schedule, layers: try HardwareLayer.layers(of: graph))
    var memory = try OffloadMemory(schedule: schedule, image: image)
    let model = EngineModel(engine: engine)
    func registers(_ call: EngineCall) -> [EngineRegister: UInt32] { Dictionary(uniqueKeysWithValues: call.registers.map { ($0.name, $0.value) }) }
    func assertFails(_ r: [EngineRegister: UInt32], _ says: String, line: UInt = #line) {
      XCTAssertThrowsError(try model.execute(r, memory: &memory), line: line) { XCTAssertTrue("\($0)".contains(says), "\($0)", line: line) }
    }
    let pooled = try XCTUnwrap(schedule.calls.first { registers($0)[.layerType] == UInt32(EngineRegister.LayerType.convPool.rawValue) })
    var r = registers(pooled)
    r[.mode] = r[.mode]! & ~EngineRegister.Mode.thresholds.rawValue
    assertFails(r, "register mode = \(r[.mode]!): no thresholds; the engine pools thresholded codes only")
    // One PE group more than the pool buffer holds, with buffers to match.
    let groups = engine.maxPoolGroups + 1
    XCTAssertLessThanOrEqual(groups * pooled.simdFolds, engine.weightDepth)
    r = registers(pooled)
    r[.outChannelsPadded] = UInt32(groups * engine.pe)
    r[.weightWords] = UInt32(groups * pooled.simdFolds * engine.memoryWordsPerWeightWord)
    r[.thresholdWords] = UInt32(groups * engine.memoryWordsPerThresholdWord)
    assertFails(r, "register out_channels_padded = \(groups * engine.pe): \(groups) PE groups; the pool buffer holds \(engine.maxPoolGroups)")
    // A tile of 257 words: 8-bit codes on a 64-bit port, PE 16, 129 groups.
    let fc = try XCTUnwrap(schedule.calls.last)
    XCTAssertLessThanOrEqual(129 * fc.simdFolds, engine.weightDepth)
    r = registers(fc)
    r[.outChannelsPadded] = UInt32(129 * engine.pe)
    r[.weightWords] = UInt32(129 * fc.simdFolds * engine.memoryWordsPerWeightWord)
    r[.thresholdWords] = UInt32(129 * engine.memoryWordsPerThresholdWord)
    r[.mode] = r[.mode]! | EngineRegister.Mode.thresholds.rawValue
    assertFails(r, "register out_channels_padded = \(129 * engine.pe): a tile of 258 words; one output pixel's write burst holds at most 256")
  }

  /// The schedule compiler tiles within both limits: Tinier-YOLO's conv5 (256 → 512, pooled)
  /// splits in two for an engine of max_channels 256, and 600 raw 32-bit accumulators
  /// on a 32-bit port split into tiles of 256 channels; both run bit-exact.
  func testTilesFitThePoolBufferAndOneBurst() throws {
    let yolo = try compiled(try TinierYOLO.make(imageSize: 64))
    let engine = try EngineConfiguration(
      pe: 32, simd: 32, weightBits: 1, activationBits: 3, thresholdBits: 16, maxKernel: 3, maxChannels: 256, maxImageSize: 64, weightDepth: 2048, thresholdDepth: 64)
    let conv5 = try ScheduleCompiler(engine: engine).schedule(yolo).calls.filter { $0.mvau == "conv5" }
    XCTAssertEqual(conv5.map(\.peGroups), [8, 8])
    try assertRunsLikeInterpreter(yolo, engine, samples: RandomQNN.inputs(for: yolo, samples: 1, seed: 3), "Tinier-YOLO 64×64, max_channels 256", printCycles: false)

    var fc = Graph(name: "wide", inputs: ["x"], outputs: ["y"], nodes: [], initializers: [:], types: ["x": ValueType(shape: [1, 2, 2, 32], dataType: .uint(2))])
    fc.nodes.append(Node(name: "swu", op: .swu(SWU(kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1])), inputs: ["x"], outputs: ["win"]))
    var rng = SplitMix64(seed: 5)
    fc.initializers["w"] = Tensor(shape: [32, 600], floats: (0..<(32 * 600)).map { _ in Float(rng.int(-2...1)) })
    fc.types["w"] = ValueType(shape: [32, 600], dataType: .int(2))
    fc.nodes.append(Node(name: "mvau", op: .mvau(MVAU(xnor: false)), inputs: ["win", "w"], outputs: ["y"]))
    try fc.inferTypes()
    try fc.verify()
    let wide = try EngineConfiguration(
      pe: 8, simd: 8, weightBits: 2, activationBits: 2, thresholdBits: 32, maxKernel: 1, maxChannels: 32, maxImageSize: 2, weightDepth: 512, thresholdDepth: 1,
      memoryWordBits: 32)
    XCTAssertEqual(try ScheduleCompiler(engine: wide).schedule(fc).calls.map(\.channels), [256, 256, 88])
    try assertRunsLikeInterpreter(fc, wide, samples: RandomQNN.inputs(for: fc, samples: 2, seed: 4), "600 accumulators", printCycles: false)
  }
}
