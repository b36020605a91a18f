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
}
