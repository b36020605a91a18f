import FinchIR
import FinchInterpreter

/// Replaces each `Quant`/`BipolarQuant` on constant weights by an `INT8`/`UINT8`
/// constant of its integer levels (minus the zero point) feeding
/// `DequantizeLinear` with the quantizer's scale: ONNX QDQ's form of quantized
/// weights. Refuses, naming the node, levels that do not fit 8 bits.
public struct WriteWeightsAsDequantizeLinear: Pass {
  public let name = "write-weights-as-dequantize-linear"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    try NodeExpansion.expandAll(in: &graph, pass: name, where: { $0.isWeightQuantizer(in: $1) }) { e, g throws(PassError) in
      try write(&e, in: &g)
    }
  }

  private func write(_ e: inout NodeExpansion, in graph: inout Graph) throws(PassError) {
    let node = e.node
    let args = node.inputs.map { graph.initializers[$0]! }
    let x = args[0], scale = args[1]
    var levels: Tensor
    do {
      if case .quant(let q) = node.op, args.count >= 4 {
        levels = try Semantics.quantLevels(x, scale: scale, zeroPoint: args[2], bitWidth: args[3], q)
        levels = try Semantics.evaluate(.binary(.sub), [levels, args[2]])[0]
      } else {
        levels = try Semantics.quantLevels(
          x, scale: scale, zeroPoint: Tensor(scalar: 0), bitWidth: Tensor(scalar: 1), Quant(signed: true, narrow: false, rounding: .round))
      }
    } catch {
      throw e.fail("inputs", error.reason)
    }
    let v = levels.floats
    let type: DataType
    if v.allSatisfy({ $0 == $0.rounded() && $0 >= -128 && $0 <= 127 }) {
      type = .int(8)
    } else if v.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 <= 255 }) {
      type = .uint(8)
    } else {
      throw e.fail("weights", "integer levels (minus the zero point) do not fit 8 bits; QDQ cannot express them, use --format float")
    }
    let (s, axis) = try e.perAxis(scale, rank: levels.shape.rank)
    let ints = e.constant("int", Tensor(shape: levels.shape, int64s: v.map { Int64($0) }), type, in: &graph)
    let scaleName = e.constant("scale", s, in: &graph)
    _ = e.emit("dequantize", .dequantizeLinear(axis: axis), [ints, scaleName], output: node.outputs[0], in: &graph)
  }
}
