import FinchIR
import FinchONNX
import Foundation
import SwiftProtobuf

/// Structure-aware mutation of ONNX models, shared by the libFuzzer target
/// (`FinchFuzz onnx`) and the property tests that feed mutated fixtures to the
/// `finch` command.
///
/// It decodes a `ModelProto`, applies a few edits a hostile or broken exporter
/// could make (drop, duplicate, reorder and rewire nodes; extreme attributes;
/// zero, negative and huge dimensions; NaN, infinite and huge initializer
/// values; degenerate Quant scale, zero point and bit width; graph inputs and
/// outputs listed twice; unknown ops, opsets and datatypes) and encodes it
/// again. Everything is drawn from one seed, so a mutation is reproduced from
/// the seed and the input alone.
public struct ModelMutator: Sendable {
  /// What the last ``mutate(_:)`` did, one short phrase per edit.
  public private(set) var log: [String] = []
  private var rng: SplitMix64

  public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

  /// `model` (serialized ONNX) with `count` edits, serialized again; nil when
  /// it does not decode as a `ModelProto` or has no graph.
  public mutating func mutate(_ model: Data, count: Int? = nil) -> Data? {
    var options = BinaryDecodingOptions()
    options.messageDepthLimit = 64
    guard var proto = try? Onnx_ModelProto(serializedBytes: model, options: options), proto.hasGraph else { return nil }
    mutate(&proto, count: count ?? 1 + int(below: 3))
    return try? proto.serializedData()
  }

  /// Applies `count` random edits to `model`.
  package mutating func mutate(_ model: inout Onnx_ModelProto, count: Int) {
    log = []
    for _ in 0..<count {
      let edits: [(inout Onnx_ModelProto, inout ModelMutator) -> String?] = [
        { m, r in r.dropNode(&m.graph) },
        { m, r in r.duplicateNode(&m.graph) },
        { m, r in r.swapNodes(&m.graph) },
        { m, r in r.rewireInput(&m.graph) },
        { m, r in r.rewireOutput(&m.graph) },
        { m, r in r.mutateAttribute(&m.graph) },
        { m, r in r.mutateAttribute(&m.graph) },
        { m, r in r.mutateDims(&m.graph) },
        { m, r in r.mutateDims(&m.graph) },
        { m, r in r.mutateInitializer(&m.graph) },
        { m, r in r.mutateQuant(&m.graph) },
        { m, r in r.mutateQuant(&m.graph) },
        { m, r in r.mutateQuant(&m.graph) },
        { m, r in r.duplicateGraphValue(&m.graph) },
        { m, r in r.renameGraphValue(&m.graph) },
        { m, r in r.mutateOpType(&m.graph) },
        { m, r in r.mutateElementType(&m.graph) },
        { m, r in r.mutateAnnotation(&m.graph) },
        { m, r in r.mutateOpset(&m) },
      ]
      // Some edits find nothing to change (no Quant node, no attribute): try another.
      for _ in 0..<8 {
        if let done = edits[int(below: edits.count)](&model, &self) {
          log.append(done)
          break
        }
      }
    }
  }

  // MARK: Nodes

  mutating func dropNode(_ g: inout Onnx_GraphProto) -> String? {
    guard !g.node.isEmpty else { return nil }
    let i = int(below: g.node.count)
    let removed = g.node.remove(at: i)
    return "drop node \(removed.name) (\(removed.opType))"
  }

  mutating func duplicateNode(_ g: inout Onnx_GraphProto) -> String? {
    guard !g.node.isEmpty else { return nil }
    let i = int(below: g.node.count)
    var copy = g.node[i]
    if chance(2) { copy.name += "_dup" }
    g.node.insert(copy, at: int(below: g.node.count + 1))
    return "duplicate node \(g.node[i].name)"
  }

  mutating func swapNodes(_ g: inout Onnx_GraphProto) -> String? {
    guard g.node.count > 1 else { return nil }
    if chance(4) {
      g.node.reverse()
      return "reverse the node list"
    }
    let (i, j) = (int(below: g.node.count), int(below: g.node.count))
    g.node.swapAt(i, j)
    return "swap nodes \(i) and \(j)"
  }

  /// Every value name the graph mentions, for rewiring.
  func valueNames(_ g: Onnx_GraphProto) -> [String] {
    var names = g.input.map(\.name) + g.output.map(\.name) + g.initializer.map(\.name)
    for n in g.node { names += n.input + n.output }
    return names
  }

  mutating func someName(_ g: Onnx_GraphProto) -> String {
    let names = valueNames(g)
    switch int(below: 8) {
    case 0: return ""
    case 1: return "fuzz_\(int(below: 1000))"
    default: return names.isEmpty ? "x" : names[int(below: names.count)]
    }
  }

  mutating func rewireInput(_ g: inout Onnx_GraphProto) -> String? {
    guard let i = someNode(g, where: { _ in true }) else { return nil }
    let name = someName(g)
    if g.node[i].input.isEmpty || chance(6) {
      g.node[i].input.append(name)
      return "node \(g.node[i].name): add input '\(name)'"
    }
    if chance(8) {
      g.node[i].input.removeLast()
      return "node \(g.node[i].name): drop its last input"
    }
    let k = int(below: g.node[i].input.count)
    g.node[i].input[k] = name
    return "node \(g.node[i].name): input \(k) <- '\(name)'"
  }

  mutating func rewireOutput(_ g: inout Onnx_GraphProto) -> String? {
    guard let i = someNode(g, where: { _ in true }) else { return nil }
    let name = someName(g)
    if g.node[i].output.isEmpty || chance(6) {
      g.node[i].output.append(name)
      return "node \(g.node[i].name): add output '\(name)'"
    }
    if chance(8) {
      g.node[i].output.removeAll()
      return "node \(g.node[i].name): drop its outputs"
    }
    let k = int(below: g.node[i].output.count)
    g.node[i].output[k] = name
    return "node \(g.node[i].name): output \(k) -> '\(name)'"
  }

  mutating func mutateOpType(_ g: inout Onnx_GraphProto) -> String? {
    guard let i = someNode(g, where: { _ in true }) else { return nil }
    let known = [
      "Quant", "BipolarQuant", "Trunc", "MultiThreshold", "MatMul", "Gemm", "Conv", "Add", "Mul", "Sub", "Div", "Relu",
      "BatchNormalization", "Reshape", "Flatten", "Transpose", "MaxPool", "AveragePool", "GlobalAveragePool", "Sign",
      "Identity", "Constant", "Shape", "Gather", "Concat", "Unsqueeze", "Squeeze", "Softmax", "QuantizeLinear",
      "DequantizeLinear", "Clip", "Pad", "Slice", "NoSuchOp", "",
    ]
    let op = known[int(below: known.count)]
    g.node[i].opType = op
    if chance(4) { g.node[i].domain = chance(2) ? "qonnx.custom_op.general" : "finn.custom_op.general" }
    return "node \(g.node[i].name): op type -> '\(op)'"
  }

  // MARK: Attributes

  static let hugeInts: [Int64] = [0, -1, 1, 2, 3, -2, 7, 255, 1 << 16, 1 << 30, 1 << 31, 1 << 32, 1 << 62, .max, .min, -(1 << 40)]
  static let extremeFloats: [Float] = [.nan, -.nan, .infinity, -.infinity, 1e38, -1e38, .greatestFiniteMagnitude, 0, -0.0, .leastNonzeroMagnitude, 1e-38, -1, 0.5, 1, 2, 1e9]
  static let strings = ["", "NEAREST", "ROUND", "FLOOR", "CEIL", "ROUND_TO_ZERO", "HALF_EVEN", "NOTSET", "SAME_UPPER", "VALID", "INT4", "BIPOLAR", "UINT64", "\u{0}", "é", String(repeating: "x", count: 300)]

  mutating func mutateAttribute(_ g: inout Onnx_GraphProto) -> String? {
    guard let i = someNode(g, where: { !$0.attribute.isEmpty }) else { return nil }
    let k = int(below: g.node[i].attribute.count)
    var a = g.node[i].attribute[k]
    let what: String
    switch int(below: 10) {
    case 0:
      a.i = pick(Self.hugeInts)
      if !a.hasType || chance(3) { a.type = .int }
      what = "i = \(a.i)"
    case 1:
      a.f = pick(Self.extremeFloats)
      what = "f = \(a.f)"
    case 2:
      a.s = Data(pick(Self.strings).utf8)
      what = "s = '\(String(decoding: a.s.prefix(20), as: UTF8.self))'"
    case 3:
      if a.ints.isEmpty || chance(4) {
        a.ints = (0..<int(below: 6)).map { _ in pick(Self.hugeInts) }
      } else {
        a.ints[int(below: a.ints.count)] = pick(Self.hugeInts)
      }
      what = "ints = \(a.ints)"
    case 4:
      if a.floats.isEmpty || chance(4) {
        a.floats = (0..<int(below: 6)).map { _ in pick(Self.extremeFloats) }
      } else {
        a.floats[int(below: a.floats.count)] = pick(Self.extremeFloats)
      }
      what = "floats = \(a.floats)"
    case 5:
      let types: [Onnx_AttributeProto.AttributeType] = [.undefined, .float, .int, .string, .tensor, .graph, .floats, .ints, .strings, .tensors]
      a.type = pick(types)
      what = "type = \(a.type)"
    case 6:
      g.node[i].attribute.remove(at: k)
      return "node \(g.node[i].name): drop attribute \(a.name)"
    case 7:
      g.node[i].attribute.append(a)
      return "node \(g.node[i].name): attribute \(a.name) twice"
    case 8:
      if a.hasT {
        mutateTensor(&a.t)
        what = "t mutated"
      } else {
        a.ints.append(contentsOf: a.ints)
        what = "ints doubled = \(a.ints)"
      }
    default:
      a.name = pick(["", "axis", "perm", "kernel_shape", "strides", "pads", "group", "signed", "narrow", "rounding_mode", "out_dtype", "data_layout", "out_scale", "out_bias", "epsilon", "shape", "value"])
      what = "renamed"
    }
    g.node[i].attribute[k] = a
    return "node \(g.node[i].name): attribute \(a.name): \(what)"
  }

  // MARK: Shapes and values

  static let extremeDims: [Int64] = [0, -1, 1, 2, 3, 1 << 30, 1 << 31, 1 << 62, .max, .min, 100_000]

  mutating func mutateDims(_ g: inout Onnx_GraphProto) -> String? {
    switch int(below: 3) {
    case 0:
      guard !g.initializer.isEmpty else { return nil }
      let i = int(below: g.initializer.count)
      var t = g.initializer[i]
      editDims(&t.dims)
      g.initializer[i] = t
      return "initializer \(t.name): dims = \(t.dims)"
    default:
      var infos = g.input + g.output + g.valueInfo
      guard !infos.isEmpty else { return nil }
      let i = int(below: infos.count)
      var dims = infos[i].type.tensorType.shape.dim.map { d -> Int64 in
        if case .dimValue(let v)? = d.value { return v }
        return -7
      }
      editDims(&dims)
      infos[i].type.tensorType.shape.dim = dims.map { v in
        var d = Onnx_TensorShapeProto.Dimension()
        if v == -7 { d.dimParam = "N" } else { d.dimValue = v }
        return d
      }
      if chance(8) { infos[i].type.tensorType.clearShape() }
      let (a, b) = (g.input.count, g.output.count)
      if i < a { g.input[i] = infos[i] } else if i < a + b { g.output[i - a] = infos[i] } else { g.valueInfo[i - a - b] = infos[i] }
      return "value \(infos[i].name): dims = \(dims)"
    }
  }

  mutating func editDims(_ dims: inout [Int64]) {
    switch int(below: 6) {
    case 5: dims.reverse()  // same element count, transposed
    case 0: dims.append(pick(Self.extremeDims))
    case 1: if !dims.isEmpty { dims.removeLast() }
    case 2: dims = []
    default:
      if dims.isEmpty { dims = [pick(Self.extremeDims)] } else { dims[int(below: dims.count)] = pick(Self.extremeDims) }
    }
  }

  mutating func mutateInitializer(_ g: inout Onnx_GraphProto) -> String? {
    guard !g.initializer.isEmpty else { return nil }
    let i = int(below: g.initializer.count)
    mutateTensor(&g.initializer[i])
    return "initializer \(g.initializer[i].name): values mutated"
  }

  mutating func mutateTensor(_ t: inout Onnx_TensorProto) {
    switch int(below: 8) {
    case 0:
      t.dataType = Int32(pick([0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99, -1]))
    case 1:
      if !t.rawData.isEmpty { t.rawData = t.rawData.prefix(int(below: t.rawData.count)) } else { t.floatData.removeAll() }
    case 2:
      let v = pick(Self.extremeFloats)
      setAll(&t, to: v)
    case 3:
      t.int64Data = [pick(Self.hugeInts)]
      t.clearRawData()
    default:
      // One element, keeping the tensor's size.
      let v = pick(Self.extremeFloats)
      if t.dataType == 1, t.rawData.count >= 4 {
        let k = int(below: t.rawData.count / 4) * 4
        withUnsafeBytes(of: v.bitPattern.littleEndian) { t.rawData.replaceSubrange(k..<(k + 4), with: $0) }
      } else if !t.floatData.isEmpty {
        t.floatData[int(below: t.floatData.count)] = v
      } else if !t.int64Data.isEmpty {
        t.int64Data[int(below: t.int64Data.count)] = pick(Self.hugeInts)
      } else if t.rawData.count >= 8 {
        let k = int(below: t.rawData.count / 8) * 8
        withUnsafeBytes(of: pick(Self.hugeInts).littleEndian) { t.rawData.replaceSubrange(k..<(k + 8), with: $0) }
      } else {
        setAll(&t, to: v)
      }
    }
  }

  /// Every element of `t` set to `v`, as float data if `t` is float, else as int64.
  func setAll(_ t: inout Onnx_TensorProto, to v: Float) {
    let count = max(1, t.dims.reduce(1) { $0 > 1 << 24 || $1 < 0 ? $0 : $0 &* Int($1) })
    let n = min(count, 1 << 17)  // beyond that, too few values: a size mismatch
    t.clearRawData()
    (t.floatData, t.int32Data, t.int64Data, t.doubleData) = ([], [], [], [])
    if t.dataType == 1 || !t.hasDataType {
      t.floatData = Array(repeating: v, count: n)
    } else {
      t.int64Data = Array(repeating: v.isFinite && abs(v) < 9e18 ? Int64(v) : Int64.max, count: n)
    }
  }

  // MARK: Quantizers

  static let bitWidths: [Float] = [0, 1, 2, 24, 32, 40, 64, 1e9, .nan, -1, 2.5, .infinity]
  static let scales: [Float] = [0, -1, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e38, 1e-38]
  static let zeroPoints: [Float] = [.nan, 0x1p40, -0x1p40, 0.5, 1e38, -1e38, .infinity, 255, 65536]

  /// Scale, zero point or bit width of a Quant (or BipolarQuant/Trunc) set to a degenerate value.
  mutating func mutateQuant(_ g: inout Onnx_GraphProto) -> String? {
    guard let i = someNode(g, where: { ["Quant", "BipolarQuant", "Trunc", "QuantizeLinear", "DequantizeLinear"].contains($0.opType) }) else {
      return nil
    }
    let node = g.node[i]
    guard node.input.count > 1 else { return nil }
    let k = 1 + int(below: node.input.count - 1)
    let values: [Float]
    let role: String
    switch (node.opType, k) {
    case ("Quant", 3), ("Trunc", 3), ("Trunc", 4): (values, role) = (Self.bitWidths, "bit width")
    case (_, 2): (values, role) = (Self.zeroPoints, "zero point")
    default: (values, role) = (Self.scales, "scale")
    }
    let v = pick(values)
    let name = node.input[k]
    if let t = g.initializer.firstIndex(where: { $0.name == name }) {
      var tensor = g.initializer[t]
      if chance(5) { tensor.dims = [2] }  // a vector where a scalar belongs
      setAll(&tensor, to: v)
      g.initializer[t] = tensor
    } else if let c = g.node.firstIndex(where: { $0.opType == "Constant" && $0.output.contains(name) }),
      let a = g.node[c].attribute.firstIndex(where: { $0.hasT })
    {
      setAll(&g.node[c].attribute[a].t, to: v)
    } else {
      // Not a constant: make one.
      var tensor = Onnx_TensorProto()
      tensor.name = name.isEmpty ? "fuzz_q\(i)_\(k)" : name
      tensor.dataType = 1
      tensor.floatData = [v]
      g.initializer.append(tensor)
      g.node[i].input[k] = tensor.name
    }
    return "node \(node.name) (\(node.opType)): \(role) = \(v)"
  }

  // MARK: Graph inputs and outputs

  mutating func duplicateGraphValue(_ g: inout Onnx_GraphProto) -> String? {
    if chance(2), !g.output.isEmpty {
      let o = g.output[int(below: g.output.count)]
      g.output.append(o)
      return "graph output \(o.name) listed twice"
    }
    guard !g.input.isEmpty else { return nil }
    let o = g.input[int(below: g.input.count)]
    g.input.insert(o, at: int(below: g.input.count + 1))
    return "graph input \(o.name) listed twice"
  }

  mutating func renameGraphValue(_ g: inout Onnx_GraphProto) -> String? {
    let name = someName(g)
    switch int(below: 4) {
    case 0:
      guard !g.output.isEmpty else { return nil }
      let k = int(below: g.output.count)
      g.output[k].name = name
      return "graph output \(k) -> '\(name)'"
    case 1:
      guard !g.input.isEmpty else { return nil }
      let k = int(below: g.input.count)
      g.input[k].name = name
      return "graph input \(k) -> '\(name)'"
    case 2:
      g.output.removeAll()
      return "no graph outputs"
    default:
      guard !g.input.isEmpty else { return nil }
      g.input.remove(at: int(below: g.input.count))
      return "drop a graph input"
    }
  }

  mutating func mutateElementType(_ g: inout Onnx_GraphProto) -> String? {
    guard !g.input.isEmpty || !g.output.isEmpty else { return nil }
    let t = Int32(pick([0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 100]))
    if !g.input.isEmpty, chance(2) || g.output.isEmpty {
      let k = int(below: g.input.count)
      g.input[k].type.tensorType.elemType = t
      return "graph input \(g.input[k].name): element type \(t)"
    }
    let k = int(below: g.output.count)
    g.output[k].type.tensorType.elemType = t
    return "graph output \(g.output[k].name): element type \(t)"
  }

  mutating func mutateAnnotation(_ g: inout Onnx_GraphProto) -> String? {
    let names = ["INT0", "INT1", "INT2", "INT4", "UINT8", "INT32", "INT64", "UINT64", "UINT99", "BIPOLAR", "BINARY", "TERNARY", "FLOAT32", "FIXED<8,4>", "SCALEDINT<8>", "INT1000000000", "garbage", ""]
    let dt = pick(names)
    if g.quantizationAnnotation.isEmpty || chance(3) {
      var a = Onnx_TensorAnnotation()
      a.tensorName = someName(g)
      var entry = Onnx_StringStringEntryProto()
      entry.key = "finn_datatype"
      entry.value = dt
      a.quantParameterTensorNames = [entry]
      g.quantizationAnnotation.append(a)
      return "annotate '\(a.tensorName)' as \(dt)"
    }
    let k = int(below: g.quantizationAnnotation.count)
    for e in g.quantizationAnnotation[k].quantParameterTensorNames.indices {
      g.quantizationAnnotation[k].quantParameterTensorNames[e].value = dt
    }
    return "annotation of '\(g.quantizationAnnotation[k].tensorName)' -> \(dt)"
  }

  mutating func mutateOpset(_ m: inout Onnx_ModelProto) -> String? {
    let v = pick([0, -1, 1, 6, 7, 9, 10, 11, 13, 18, 21, 1000, Int64.max, Int64.min])
    if m.opsetImport.isEmpty || chance(4) {
      var o = Onnx_OperatorSetIdProto()
      o.version = v
      m.opsetImport.insert(o, at: 0)
    } else {
      m.opsetImport[int(below: m.opsetImport.count)].version = v
    }
    return "opset \(v)"
  }

  // MARK: Random draws

  /// Index of a random node satisfying `condition`, or nil.
  mutating func someNode(_ g: Onnx_GraphProto, where condition: (Onnx_NodeProto) -> Bool) -> Int? {
    let candidates = g.node.indices.filter { condition(g.node[$0]) }
    return candidates.isEmpty ? nil : candidates[int(below: candidates.count)]
  }

  mutating func int(below n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }
  mutating func chance(_ oneIn: Int) -> Bool { int(below: oneIn) == 0 }
  mutating func pick<T>(_ xs: [T]) -> T { xs[int(below: xs.count)] }
}
