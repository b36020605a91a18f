import FinchCost
import FinchONNX
import FinchPasses
import FinchTestSupport
import Foundation
import XCTest

/// Folding files in Finch's and FINN's forms describe the same folding, and a
/// complete folding names every layer.
final class FoldingFileTests: XCTestCase {
  func cnvLayers() throws -> [HardwareLayer] {
    var graph = try Fixture(name: "cnv_w1a1_small").model()
    try Pipeline.compile.run(on: &graph)
    return try HardwareLayer.layers(of: graph)
  }

  func testFINNFormGivesTheSameFoldingAndCycles() throws {
    let layers = try cnvLayers()
    let solver = FoldingSolver(layers: layers, capacity: Resources(lut: 53_200, ff: 106_400, dsp: 220, bram18: 280), family: .xc7)
    let folding = try NetworkFolding(layers, solver.solve(targetCycles: 20_000))
    let finch = try FoldingConfig.decode(try JSONEncoder().encode(folding.config), path: "finch.json")
    let finn = try FoldingConfig.decode(try folding.config.finnJSON(for: layers), path: "folding_config.json")
    XCTAssertEqual(finn.ignored, ["Defaults"])
    for loaded in [finch, finn] {
      let read = try loaded.config.complete(in: layers)
      XCTAssertEqual(read, folding)
      XCTAssertEqual(zip(layers, read.foldings).map { CycleModel.cycles($0, $1) }, zip(layers, folding.foldings).map { CycleModel.cycles($0, $1) })
    }
    // FINN's own attribute names for the kinds: MVAU PE and SIMD, SWU SIMD only, others PE only.
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: folding.config.finnJSON(for: layers)) as? [String: [String: Int]])
    for l in layers {
      let keys = Set(object[l.name]?.keys.map { $0 } ?? [])
      XCTAssertEqual(keys, l.kind == .mvau ? ["PE", "SIMD"] : l.kind == .swu ? ["SIMD"] : ["PE"], l.name)
    }
  }

  func testMissingLayersAndBadValuesAreErrorsNamingThem() throws {
    let layers = try cnvLayers()
    let mvau = try XCTUnwrap(layers.first { $0.kind == .mvau })
    let others = layers.filter { $0.name != mvau.name }
    let finnMissing = "{" + others.map { "\"\($0.name)\": {\"PE\": 1, \"SIMD\": 1}" }.joined(separator: ", ") + "}"
    let finchMissing = "{\"layers\": [" + others.map { "{\"name\": \"\($0.name)\", \"pe\": 1, \"simd\": 1}" }.joined(separator: ", ") + "]}"
    for text in [finnMissing, finchMissing] {
      let loaded = try FoldingConfig.decode(Data(text.utf8), path: "f.json")
      XCTAssertThrowsError(try loaded.config.complete(in: layers)) { error in
        XCTAssertEqual("\(error)", "folding of layer '\(mvau.name)': missing from the folding")
      }
    }
    let ignored = try FoldingConfig.decode(Data("{\"\(mvau.name)\": {\"PE\": 1, \"ram_style\": \"block\", \"mem_mode\": \"const\"}}".utf8), path: "f")
    XCTAssertEqual(ignored.ignored, ["\(mvau.name).mem_mode", "\(mvau.name).ram_style"])
    XCTAssertThrowsError(try ignored.config.complete(in: [mvau])) { error in XCTAssertTrue("\(error)".contains("no SIMD given"), "\(error)") }
    for bad in ["\"4\"", "2.5", "true", "0", "-3", "1e300", "null"] {
      XCTAssertThrowsError(try FoldingConfig.decode(Data("{\"L\": {\"PE\": \(bad)}}".utf8), path: "f.json")) { error in
        XCTAssertTrue("\(error)".hasPrefix("folding file f.json: 'L'.PE is"), "\(bad): \(error)")
      }
    }
    for bad in ["[]", "{\"L\": 3}", "{\"layers\": [{\"pe\": 2}]}", "not json"] {
      XCTAssertThrowsError(try FoldingConfig.decode(Data(bad.utf8), path: "f.json")) { error in
        XCTAssertTrue("\(error)".hasPrefix("folding file f.json: "), "\(bad): \(error)")
      }
    }
  }
}
