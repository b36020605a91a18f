import FinchIR

/// FINN's BNN-PYNQ CNV-W1A1 topology as a QONNX-style graph with seeded random
/// weights: 3x32x32 input quantized to 8 bits; 3x3 valid convolutions with 64,
/// 64, max-pool, 128, 128, max-pool, 256, 256 channels; FC 512, 512, 10;
/// bipolar weights and activations (BatchNorm before each sign). With `bits`
/// 2 it is CNV-W2A2: narrow signed 2-bit weights (−1, 0, 1) and signed 2-bit
/// activations after each BatchNorm, at scales 2, 16, 128, ... (growing with
/// the accumulators, so that the activations spread over the four levels).
public enum BNNPynqCNV {
  /// The graph, typed and verified; `bits` is 1 (W1A1) or 2 (W2A2).
  public static func make(seed: UInt64 = 1, bits: Int = 1) throws -> Graph {
    precondition(bits == 1 || bits == 2, "BNN-PYNQ CNV is W1A1 or W2A2")
    var rng = SplitMix64(seed: seed)
    var g = Graph(
      name: "cnv_w\(bits)a\(bits)", inputs: ["pixels"], outputs: [], nodes: [], initializers: [:],
      types: ["pixels": ValueType(shape: [1, 3, 32, 32], dataType: .uint(8))])
    func constant(_ name: String, _ shape: Shape, _ f: () -> Float) -> String {
      g.initializers[name] = Tensor(shape: shape, floats: (0..<shape.elementCount).map { _ in f() })
      return name
    }
    func node(_ name: String, _ op: Op, _ inputs: [String]) -> String {
      g.nodes.append(Node(name: name, op: op, inputs: inputs, outputs: [name + "_out"]))
      return name + "_out"
    }
    func uniform() -> Float { Float(rng.next() % 2001) / 1000 - 1 }
    let one = constant("one", [], { 1 }), zero = constant("zero", [], { 0 }), eight = constant("eight", [], { 8 })
    let two = bits == 2 ? constant("two", [], { 2 }) : one
    /// Quantized weights or activations: a sign, or a 2-bit quantizer with `scale`.
    func quantize(_ name: String, _ value: String, scale: String, narrow: Bool) -> String {
      bits == 1
        ? node(name, .bipolarQuant, [value, one])
        : node(name, .quant(Quant(signed: true, narrow: narrow, rounding: .round)), [value, scale, zero, two])
    }
    var actScale: Float = 2
    let inputScale = constant("input_scale", [], { 1.0 / 128 })
    var x = node("input_quant", .quant(Quant(signed: true, narrow: false, rounding: .round)), ["pixels", inputScale, zero, eight])
    var channels = 3
    func signActivation(_ name: String, _ value: String, _ c: Int) -> String {
      let shape: Shape = [c]
      let bn = node("\(name)_bn", .batchNormalization(epsilon: 1e-4), [
        value, constant("\(name)_gamma", shape, { uniform() + 1.5 }), constant("\(name)_beta", shape, { uniform() * 4 }),
        constant("\(name)_mean", shape, { uniform() * 8 }), constant("\(name)_var", shape, { uniform() + 2 }),
      ])
      guard bits == 2 else { return quantize("\(name)_sign", bn, scale: one, narrow: false) }
      defer { actScale *= 8 }
      return quantize("\(name)_quant", bn, scale: constant("\(name)_scale", [], { actScale }), narrow: false)
    }
    for (i, out) in [64, 64, 0, 128, 128, 0, 256, 256].enumerated() {
      if out == 0 {
        x = node("pool\(i)", .maxPool(Pool(kernel: [2, 2], strides: [2, 2])), [x])
        continue
      }
      let w = quantize("conv\(i)_wq", constant("conv\(i)_w", [out, channels, 3, 3], uniform), scale: one, narrow: true)
      x = node("conv\(i)", .conv(Conv(kernel: [3, 3])), [x, w])
      x = signActivation("conv\(i)", x, out)
      channels = out
    }
    x = node("flatten", .reshape(allowZero: false), [x, "flat_shape"])
    g.initializers["flat_shape"] = Tensor(shape: [2], int64s: [1, -1])
    var width = 256
    for (i, out) in [512, 512, 10].enumerated() {
      let w = quantize("fc\(i)_wq", constant("fc\(i)_w", [width, out], uniform), scale: one, narrow: true)
      x = node("fc\(i)", .matMul, [x, w])
      if i < 2 { x = signActivation("fc\(i)", x, out) }
      width = out
    }
    g.outputs = [x]
    try g.inferTypes()
    try g.verify()
    return g
  }
}

