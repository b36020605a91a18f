import FinchCost
import FinchIR
import FinchOffload
import FinchTestSupport
import Foundation
import XCTest

final class MemoryImageTests: XCTestCase {
  /// Reads `bits` bits at bit `bit` of the byte image (little-endian).
  private func field(_ bytes: [UInt8], _ bit: Int, _ bits: Int) -> UInt64 {
    (0..<bits).reduce(UInt64(0)) { v, b in v | UInt64(bytes[(bit + b) / 8] >> UInt8((bit + b) % 8) & 1) << UInt64(b) }
  }

  /// Every weight lane and threshold field of the image, read back by the
  /// documented layout, is the layer's value (or the padding value) — on a
  /// bipolar engine (TFC-W1A1, CNV) and a 2-bit one (TFC-W2A2), with tiling.
  func testImageHoldsEveryWeightAndThreshold() throws {
    let cases: [(String, EngineConfiguration)] = [
      ("tfc_w1a1", try binaryEngine(weightDepth: 256, thresholdDepth: 2)),
      ("cnv_w1a1_small", try binaryEngine(weightDepth: 64)),
      ("tfc_w2a2", try EngineConfiguration(pe: 8, simd: 16, weightBits: 4, activationBits: 8, thresholdBits: 18, maxKernel: 3, maxChannels: 512, maxImageSize: 32, weightDepth: 256, thresholdDepth: 4, memoryWordBits: 128)),
    ]
    for (name, e) in cases {
      let graph = try compiled(try Fixture(name: name).model())
      let layers = try HardwareLayer.layers(of: graph)
      let schedule = try ScheduleCompiler(engine: e).schedule(graph)
      let image = try MemoryImage(schedule: schedule, layers: layers)
      XCTAssertEqual(image.bytes.count, schedule.memory.imageBytes)
      XCTAssertGreaterThan(schedule.calls.map(\.tiles).max() ?? 0, 1, "\(name): no layer was tiled")
      for call in schedule.calls {
        let mvau = try XCTUnwrap(layers.first { $0.name == call.mvau })
        let kernel = Int(call[.kernel]!), cinP = Int(call[.inChannels]!)
        let area = (kernel & 0xFF) * (kernel >> 8), cin = mvau.mw / area
        let bipolar = mvau.xnor || e.weightBits == 1
        let weightBase = Int(call[.weightAddress]!) * 8, wordBits = e.memoryWordsPerWeightWord * e.memoryWordBits
        for n in 0..<call.peGroups {
          for f in 0..<call.simdFolds {
            for p in 0..<e.pe {
              for s in 0..<e.simd {
                let (row, o) = (f * e.simd + s, call.firstChannel + n * e.pe + p)
                let (k, c) = (row / cinP, row % cinP)
                let value: Int64 = c < cin && o < mvau.mh ? mvau.weights[(k * cin + c) * mvau.mh + o] : (bipolar ? 1 : 0)
                let expected = bipolar ? (value > 0 ? 1 : 0) : UInt64(bitPattern: value) & ((1 << UInt64(e.weightBits)) - 1)
                let bit = weightBase + (n * call.simdFolds + f) * wordBits + (p * e.simd + s) * e.weightBits
                XCTAssertEqual(field(image.bytes, bit, e.weightBits), expected, "\(name) \(mvau.name) n\(n) f\(f) p\(p) s\(s)")
              }
            }
          }
        }
        guard call.thresholdWords > 0 else { continue }
        let thresholdBase = Int(call[.thresholdAddress]!) * 8, tWordBits = e.memoryWordsPerThresholdWord * e.memoryWordBits
        let b = e.thresholdsPerChannel
        for n in 0..<call.peGroups {
          for p in 0..<e.pe {
            let o = call.firstChannel + n * e.pe + p
            for j in 0..<b {
              let t = o < mvau.mh && j < mvau.thresholds ? mvau.thresholdValues[o][j] : e.neverThreshold
              let bit = thresholdBase + n * tWordBits + (p * b + j) * e.thresholdBits
              XCTAssertEqual(field(image.bytes, bit, e.thresholdBits), UInt64(bitPattern: t) & ((1 << UInt64(e.thresholdBits)) - 1))
            }
          }
        }
      }
    }
  }

  /// schedule.json round-trips, uses schema_version 2 and snake_case keys;
  /// another version (1: a step had one `input`) is refused, naming it.
  func testScheduleJSONRoundTrips() throws {
    let schedule = try ScheduleCompiler(engine: try binaryEngine()).schedule(try compiled(try Fixture(name: "cnv_w1a1_small").model()))
    let data = try schedule.json()
    XCTAssertEqual(try Schedule.load(json: data), schedule)
    let text = String(decoding: data, as: UTF8.self)
    XCTAssertTrue(text.contains("\"schema_version\" : 2"))
    XCTAssertTrue(text.contains("\"out_channels_padded\""))
    XCTAssertFalse(text.range(of: "\"[a-z]+[A-Z][A-Za-z]*\" :", options: .regularExpression) != nil, "a camelCase key")
    let other = Data(text.replacingOccurrences(of: "\"schema_version\" : 2", with: "\"schema_version\" : 1").utf8)
    XCTAssertThrowsError(try Schedule.load(json: other)) { XCTAssertTrue("\($0)".contains("schema_version 1; this Finch reads 2")) }
  }
}
