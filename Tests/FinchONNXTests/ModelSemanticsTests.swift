import FinchIR
import FinchInterpreter
import XCTest

@testable import FinchONNX

/// What a model means is checked once, at import (by the verifier, which every
/// later stage reruns): parameters Finch cannot compute with exactly are one-line
/// errors naming the node, the field and the value, never a trap further on.
final class ModelSemanticsTests: XCTestCase {
  private let quantDomain = "qonnx.custom_op.general"

  /// x [1,4] -> Quant(scale, zero point, bits) -> y.
  private func quantModel(zeroPoint: Float = 0, bits: Float = 4) -> Onnx_ModelProto {
    Proto.model(
      nodes: [Proto.node("Quant", ["x", "s", "z", "b"], ["y"], name: "quant_act", domain: quantDomain, [Proto.attr("signed", int: 1)])],
      initializers: [Proto.floats("s", [], [0.5]), Proto.floats("z", [], [zeroPoint]), Proto.floats("b", [], [bits])],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
  }

  /// x [1,2,2,2] -> BatchNormalization(scale, bias, mean, variance) -> y.
  private func batchNormModel(_ parameters: [[Float]], epsilon: Float = 1e-5) -> Onnx_ModelProto {
    let names = ["bs", "bb", "bm", "bv"]
    return Proto.model(
      nodes: [Proto.node("BatchNormalization", ["x"] + names, ["y"], name: "bn", [Proto.attr("epsilon", float: epsilon)])],
      initializers: zip(names, parameters).map { Proto.floats($0, [2], $1) },
      inputs: [Proto.value("x", [1, 2, 2, 2])], outputs: [Proto.value("y", [1, 2, 2, 2])])
  }

  func testGraphOutputsAndInputsListedTwiceAreRefused() {
    var outputs = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
      inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    outputs.graph.output.append(Proto.value("y", [1, 4]))
    assertMessage(importError(outputs, file: "twice.onnx"), contains: ["twice.onnx", "graph output 'y'", "more than once"])
    var inputs = outputs
    inputs.graph.output.removeLast()
    inputs.graph.input.append(Proto.value("x", [1, 4]))
    assertMessage(importError(inputs, file: "twice.onnx"), contains: ["twice.onnx", "graph input 'x'", "more than once"])
  }

  func testQuantBitWidthsBeyondFinchsLimitAreRefused() {
    for bits: Float in [33, 40, 64] {
      assertMessage(
        importError(quantModel(bits: bits), file: "bits.onnx"),
        contains: ["bits.onnx", "'quant_act'", "bit width", "1...32", "\(bits)"])
    }
    XCTAssertNoThrow(try Proto.load(quantModel(bits: 32)))
  }

  func testQuantZeroPointsOutOfRangeAreRefused() {
    for zp: Float in [3.4e38, -3.4e38, 17, .nan] {
      assertMessage(
        importError(quantModel(zeroPoint: zp, bits: 4), file: "zp.onnx"),
        contains: ["zp.onnx", "'quant_act'", "zero point", "±16", "\(zp)"])
    }
    XCTAssertNoThrow(try Proto.load(quantModel(zeroPoint: -16, bits: 4)))
  }

  func testBatchNormParametersMustBeFinite() {
    let good: [[Float]] = [[1, 2], [0, -1], [0.5, 0], [1, 4]]
    XCTAssertNoThrow(try Proto.load(batchNormModel(good)))
    let names = ["scale", "bias", "mean", "variance"]
    for (i, name) in names.enumerated() {
      for v: Float in [.nan, .infinity, -.infinity] {
        var parameters = good
        parameters[i][1] = v
        assertMessage(importError(batchNormModel(parameters), file: "bn.onnx"), contains: ["bn.onnx", "'bn'", name, "finite", "\(v)"])
      }
    }
    var negative = good
    negative[3][0] = -1
    assertMessage(importError(batchNormModel(negative), file: "bn.onnx"), contains: ["'bn'", "variance", "-1.0"])
    for epsilon: Float in [.nan, -.infinity, -1] {
      assertMessage(importError(batchNormModel(good, epsilon: epsilon), file: "bn.onnx"), contains: ["'bn'", "epsilon"])
    }
  }

  func testShapesBeyondTheElementLimitAreRefusedByName() {
    let huge = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
      inputs: [Proto.value("x", [1, 1 << 30, 1])], outputs: [Proto.value("y", [1, 1 << 30, 1])])
    assertMessage(importError(huge, file: "huge.onnx"), contains: ["huge.onnx", "'x'", "1073741824", "\(Shape.maxElementCount)"])
    let product = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")],
      inputs: [Proto.value("x", [1 << 15, 1 << 14])], outputs: [])
    assertMessage(importError(product, file: "huge.onnx"), contains: ["huge.onnx", "'x'", "more than \(Shape.maxElementCount)"])
    // An op whose output would pass the limit: Concat of two inputs just under it.
    let half = Int64(Shape.maxElementCount / 2)
    let concat = Proto.model(
      nodes: [Proto.node("Concat", ["a", "a", "a"], ["y"], name: "cat", [Proto.attr("axis", int: 0)])],
      inputs: [Proto.value("a", [half])], outputs: [])
    assertMessage(importError(concat, file: "cat.onnx"), contains: ["cat.onnx", "'cat'", "more than \(Shape.maxElementCount)"])
  }

  func testMultiThresholdLevelsMustBeFinite() {
    func model(scale: Float, bias: Float) -> Onnx_ModelProto {
      Proto.model(
        nodes: [
          Proto.node(
            "MultiThreshold", ["x", "T"], ["y"], name: "mt", domain: "finn.custom_op.general",
            [Proto.attr("out_dtype", string: "UINT2"), Proto.attr("out_scale", float: scale), Proto.attr("out_bias", float: bias)])
        ],
        initializers: [Proto.floats("T", [1, 3], [0, 1, 2])],
        inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    }
    assertMessage(importError(model(scale: 1, bias: .infinity), file: "mt.onnx"), contains: ["'mt'", "out_bias", "inf"])
    assertMessage(importError(model(scale: .nan, bias: 0), file: "mt.onnx"), contains: ["'mt'", "out_scale", "NaN"])
    // Levels outside the declared type are not taken for that type.
    let g = try? Proto.load(model(scale: 1, bias: 1e9))
    XCTAssertEqual(g?.types["y"]?.dataType, .float32)
    XCTAssertEqual(try? Proto.load(model(scale: 1, bias: 0)).types["y"]?.dataType, .uint(2))
  }
}
