import FinchIR
import FinchInterpreter
@testable import FinchONNX
import XCTest

/// ONNX `Resize` as Finch imports it: nearest-neighbour upsampling by whole
/// factors, given by scales or sizes, in both coordinate forms that compute
/// it; every other form is refused by name.
final class ResizeImportTests: XCTestCase {
  private func resize(
    transform: String, rounding: String, mode: String = "nearest", scales: [Float]? = [1, 1, 2, 3], sizes: [Int64]? = nil
  ) -> Onnx_ModelProto {
    var initializers: [Onnx_TensorProto] = []
    if let scales { initializers.append(Proto.floats("scales", [4], scales)) }
    if let sizes { initializers.append(Proto.int64s("sizes", [4], sizes)) }
    let attrs = [
      Proto.attr("mode", string: mode), Proto.attr("coordinate_transformation_mode", string: transform),
      Proto.attr("nearest_mode", string: rounding),
    ]
    return Proto.model(
      nodes: [Proto.node("Resize", ["x", "", scales == nil ? "" : "scales"] + (sizes == nil ? [] : ["sizes"]), ["y"], name: "up", attrs)],
      initializers: initializers, inputs: [Proto.value("x", [1, 2, 2, 2])], outputs: [Proto.value("y", [1, 2, 4, 6])])
  }

  func testWholeFactorNearestUpsamplingImportsInEveryEquivalentForm() throws {
    let x = Tensor(shape: [1, 2, 2, 2], floats: (0..<8).map(Float.init))
    // Output row i, column j of channel c reads input row i/2, column j/3.
    var expected: [Float] = []
    for c in 0..<2 {
      for i in 0..<4 {
        for j in 0..<6 { expected.append(Float(c * 4 + (i / 2) * 2 + j / 3)) }
      }
    }
    for model in [
      resize(transform: "asymmetric", rounding: "floor"), resize(transform: "half_pixel", rounding: "round_prefer_floor"),
      resize(transform: "pytorch_half_pixel", rounding: "round_prefer_ceil"),
      resize(transform: "asymmetric", rounding: "floor", scales: nil, sizes: [1, 2, 4, 6]),
    ] {
      let g = try Proto.load(model)
      XCTAssertEqual(g.nodes.map(\.op), [.upsample(scales: [1, 1, 2, 3])])
      XCTAssertEqual(try Interpreter(graph: g).run(["x": x])["y"]?.floats, expected)
    }
  }

  func testOtherResizeFormsAreRefusedByName() {
    for (model, words) in [
      (resize(transform: "asymmetric", rounding: "round_prefer_floor"), ["'up'", "nearest-neighbour upsampling by whole factors"]),
      (resize(transform: "asymmetric", rounding: "floor", mode: "linear"), ["'up'", "linear"]),
      (resize(transform: "asymmetric", rounding: "floor", scales: [1, 1, 1.5, 2]), ["'up'", "whole factor"]),
      (resize(transform: "asymmetric", rounding: "floor", scales: nil, sizes: [1, 2, 5, 6]), ["'up'", "whole multiples"]),
    ] {
      do {
        _ = try Proto.load(model)
        XCTFail("imported \(words)")
      } catch {
        for w in words { XCTAssertTrue(error.description.contains(w), "\(error)") }
      }
    }
  }
}
