import FinchONNX
import Foundation

/// Small QONNX models for the ONNX fuzz target's seed corpus: the fixtures are
/// a quarter megabyte each and run at tens of inputs a second, these at
/// thousands, and still reach the quantizer, linear and threshold paths.
public enum SeedModels {
  /// Every seed, by file name.
  public static func all() -> [(name: String, bytes: Data)] {
    [
      ("quant-matmul-relu.onnx", quantMatMul(activation: "Relu")),
      ("quant-matmul-threshold.onnx", quantMatMul(activation: "MultiThreshold")),
      ("bipolar-conv.onnx", bipolarConv()),
    ].compactMap { name, model in (try? model.serializedData()).map { (name, $0) } }
  }

  /// `x[1,4] -> Quant(4 bit) -> MatMul(Quant(W[4,3])) -> Add(b) -> activation -> y`.
  static func quantMatMul(activation: String) -> Onnx_ModelProto {
    var g = Onnx_GraphProto()
    g.name = "seed"
    g.input = [value("x", [1, 4])]
    g.output = [value("y", [1, 3])]
    g.initializer = [
      tensor("scale", [], [0.5]), tensor("zero", [], [0]), tensor("bits", [], [4]), tensor("wbits", [], [2]),
      tensor("W", [4, 3], (0..<12).map { Float($0 % 5) - 2 }), tensor("b", [3], [0.5, -1, 2]),
      tensor("thresholds", [3, 3], [-1, 0, 1, -2, 0, 2, 0, 1, 2]),
    ]
    g.node = [
      node("Quant", ["x", "scale", "zero", "bits"], ["xq"], custom: true, ints: ["signed": 1, "narrow": 0], strings: ["rounding_mode": "ROUND"]),
      node("Quant", ["W", "scale", "zero", "wbits"], ["Wq"], custom: true, ints: ["signed": 1, "narrow": 1], strings: ["rounding_mode": "ROUND"]),
      node("MatMul", ["xq", "Wq"], ["h"]),
      node("Add", ["h", "b"], ["hb"]),
      activation == "Relu"
        ? node("Relu", ["hb"], ["y"])
        : node("MultiThreshold", ["hb", "thresholds"], ["y"], custom: true, strings: ["out_dtype": "UINT2"]),
    ]
    return model(g)
  }

  /// `x[1,1,4,4] -> BipolarQuant -> Conv(BipolarQuant(W[2,1,3,3])) -> BatchNormalization -> MaxPool -> y`.
  static func bipolarConv() -> Onnx_ModelProto {
    var g = Onnx_GraphProto()
    g.name = "seed"
    g.input = [value("x", [1, 1, 4, 4])]
    g.output = [value("y", [1, 2, 1, 1])]
    g.initializer = [
      tensor("s", [], [1]), tensor("W", [2, 1, 3, 3], (0..<18).map { $0 % 3 == 0 ? -1 : 1 }),
      tensor("gamma", [2], [1, 2]), tensor("beta", [2], [0, 1]), tensor("mean", [2], [0.5, 0]), tensor("var", [2], [1, 4]),
    ]
    g.node = [
      node("BipolarQuant", ["x", "s"], ["xq"], custom: true),
      node("BipolarQuant", ["W", "s"], ["Wq"], custom: true),
      node("Conv", ["xq", "Wq"], ["c"], ints: ["group": 1], intLists: ["kernel_shape": [3, 3], "pads": [0, 0, 0, 0], "strides": [1, 1]]),
      node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["n"], floats: ["epsilon": 1e-5]),
      node("MaxPool", ["n"], ["y"], intLists: ["kernel_shape": [2, 2], "strides": [2, 2]]),
    ]
    return model(g)
  }

  static func model(_ g: Onnx_GraphProto) -> Onnx_ModelProto {
    var m = Onnx_ModelProto()
    m.irVersion = 8
    var opset = Onnx_OperatorSetIdProto()
    opset.version = 13
    m.opsetImport = [opset]
    m.graph = g
    return m
  }

  static func value(_ name: String, _ dims: [Int64]) -> Onnx_ValueInfoProto {
    var v = Onnx_ValueInfoProto()
    v.name = name
    v.type.tensorType.elemType = 1
    v.type.tensorType.shape.dim = dims.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      dim.dimValue = d
      return dim
    }
    return v
  }

  static func tensor(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims
    t.dataType = 1
    t.floatData = values
    return t
  }

  static func node(
    _ op: String, _ inputs: [String], _ outputs: [String], custom: Bool = false, ints: [String: Int64] = [:], floats: [String: Float] = [:],
    strings: [String: String] = [:], intLists: [String: [Int64]] = [:]
  ) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = op
    n.name = "\(op)_\(outputs[0])"
    n.input = inputs
    n.output = outputs
    if custom { n.domain = "qonnx.custom_op.general" }
    for (k, v) in ints.sorted(by: { $0.key < $1.key }) {
      var a = Onnx_AttributeProto()
      a.name = k
      a.type = .int
      a.i = v
      n.attribute.append(a)
    }
    for (k, v) in floats.sorted(by: { $0.key < $1.key }) {
      var a = Onnx_AttributeProto()
      a.name = k
      a.type = .float
      a.f = v
      n.attribute.append(a)
    }
    for (k, v) in strings.sorted(by: { $0.key < $1.key }) {
      var a = Onnx_AttributeProto()
      a.name = k
      a.type = .string
      a.s = Data(v.utf8)
      n.attribute.append(a)
    }
    for (k, v) in intLists.sorted(by: { $0.key < $1.key }) {
      var a = Onnx_AttributeProto()
      a.name = k
      a.type = .ints
      a.ints = v
      n.attribute.append(a)
    }
    return n
  }
}
