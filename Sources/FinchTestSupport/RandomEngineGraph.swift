import FinchIR

/// Random hardware-layer graphs (SWU, MVAU, streaming max-pool, as a compiled
/// graph has them) for property tests of the offload engine and its reference
/// model: padding on any side with any pad value of the input type, strides
/// 1–3, max-pools whose windows may overlap (2×2 stride 1, 3×3 stride 2, ...),
/// thresholded outputs signed and unsigned or raw accumulators, fully
/// connected layers after a flatten.
public enum RandomEngineGraph {
  /// What a network may hold: the weight datatypes, the threshold steps per
  /// channel (1, 3, 7 or 15: a 1- to 4-bit output) and whether a 1-step
  /// threshold of an XNOR layer writes bipolar codes (`2·step − 1`, as BNN-PYNQ's sign).
  public struct Types: Sendable {
    public var weights: [DataType]
    public var steps: [Int]
    public var bipolarOutputs: Bool

    public init(weights: [DataType] = [.bipolar, .int(2), .int(4)], steps: [Int] = [1, 3, 7, 15], bipolarOutputs: Bool = false) {
      (self.weights, self.steps, self.bipolarOutputs) = (weights, steps, bipolarOutputs)
    }
  }

  /// Random networks of one bit class, the same for the same seed: a
  /// `[1, h, w, c]` input, one to three convolutions (each SWU + MVAU, some
  /// with a max-pool), and an optional fully connected layer after a flatten.
  /// `xnor` draws bipolar everything (a W1A1 network); else weights and
  /// activations of at most `bits` (2 or 4) bits. Typed and verified.
  public static func make(seed: UInt64, xnor: Bool, bits: Int) throws -> Graph {
    var rng = SplitMix64(seed: seed)
    let inTypes: [DataType] = bits <= 2 ? [.bipolar, .binary, .int(2), .uint(2)] : [.bipolar, .binary, .int(2), .uint(3), .int(4)]
    let types =
      xnor
      ? Types(weights: [.bipolar], steps: [1], bipolarOutputs: true)
      : Types(weights: bits <= 2 ? [.bipolar, .int(2)] : [.bipolar, .int(2), .int(4)], steps: bits <= 2 ? [1, 3] : [1, 3, 7, 15])
    var g = Graph(name: "random_engine_\(seed)", inputs: ["x"], outputs: [], nodes: [], initializers: [:], types: [:])
    g.types["x"] = ValueType(shape: [1, rng.int(3...9), rng.int(3...9), rng.pick([1, 3, 5, 8, 17])], dataType: xnor ? .bipolar : rng.pick(inTypes))
    var last = "x"
    for i in 0..<rng.int(1...3) {
      guard let t = g.type(of: last), t.dataType.bitWidth <= max(bits, 1) else { break }
      last = try conv(&g, last, i, xnor: xnor && t.dataType == .bipolar, types: types, &rng)
    }
    if let t = g.type(of: last), t.dataType.bitWidth <= max(bits, 1), rng.chance(0.5) {
      let features = t.shape.dims.dropFirst().reduce(1, *)
      g.initializers["flat"] = Tensor(shape: [2], int64s: [1, Int64(features)])
      g.nodes.append(Node(name: "flatten", op: .reshape(allowZero: false), inputs: [last, "flat"], outputs: ["flat_out"]))
      try g.inferTypes()
      last = try mvau(&g, "flat_out", "fc", mw: features, xnor: xnor && t.dataType == .bipolar, types: types, &rng)
    }
    g.outputs = [last]
    try g.inferTypes()
    try g.verify()
    return g
  }

  /// Appends SWU + MVAU (+ a max-pool, 70% of the time) reading `x`
  /// (`[1, h, w, c]`); returns the output value. Layer names end in `i`.
  public static func conv(_ g: inout Graph, _ x: String, _ i: Int, xnor: Bool, types: Types = Types(), _ rng: inout SplitMix64) throws -> String {
    guard let type = g.type(of: x) else { throw IRError.invalidGraph("no type for \(x)") }
    let (h, w, c, inType) = (type.shape[1], type.shape[2], type.shape[3], type.dataType)
    let k = [rng.int(1...min(3, h)), rng.int(1...min(3, w))]
    let pads = [rng.int(0...k[0] - 1), rng.int(0...k[1] - 1), rng.int(0...k[0] - 1), rng.int(0...k[1] - 1)]
    let strides = [rng.int(1...3), rng.int(1...3)]
    let swu = SWU(kernel: k, strides: strides, pads: pads, dilations: [1, 1], padValue: value(inType, &rng))
    g.nodes.append(Node(name: "swu\(i)", op: .swu(swu), inputs: [x], outputs: ["win\(i)"]))
    try g.inferTypes()
    let y = try mvau(&g, "win\(i)", "\(i)", mw: k[0] * k[1] * c, xnor: xnor, types: types, &rng)
    guard let shape = g.type(of: y)?.shape, rng.chance(0.7) else { return y }
    let pk = [rng.int(1...min(3, shape[1])), rng.int(1...min(3, shape[2]))]
    let ps = [rng.int(1...pk[0]), rng.int(1...pk[1])]
    g.nodes.append(Node(name: "pool\(i)", op: .streamingMaxPool(kernel: pk, strides: ps), inputs: [y], outputs: ["p\(i)"]))
    try g.inferTypes()
    return "p\(i)"
  }

  /// Appends an MVAU of `mw` inputs reading `x` with random weights and, 75%
  /// of the time, thresholds; returns its output `y<suffix>`.
  static func mvau(_ g: inout Graph, _ x: String, _ suffix: String, mw: Int, xnor: Bool, types: Types, _ rng: inout SplitMix64) throws -> String {
    guard let inType = g.type(of: x)?.dataType else { throw IRError.invalidGraph("no type for \(x)") }
    let mh = rng.pick([1, 5, 8, 13, 20])
    let weightType: DataType = xnor ? .bipolar : rng.pick(types.weights)
    g.initializers["w\(suffix)"] = Tensor(shape: [mw, mh], floats: (0..<(mw * mh)).map { _ in value(weightType, &rng) })
    g.types["w\(suffix)"] = ValueType(shape: [mw, mh], dataType: weightType)
    var inputs = [x, "w\(suffix)"], m = MVAU(xnor: xnor)
    if rng.chance(0.75) {
      let steps = rng.pick(types.steps)
      let bound = Double(mw) * max(abs(inType.min), inType.max)
      g.initializers["t\(suffix)"] = Tensor(shape: [mh, steps], floats: (0..<(mh * steps)).map { _ in Float(rng.int(-Int(bound)...Int(bound))) })
      inputs.append("t\(suffix)")
      if xnor && steps == 1 && types.bipolarOutputs {
        m = MVAU(xnor: xnor, outScale: 2, outBias: -1, outType: .bipolar)
      } else {
        let bias = rng.chance(0.5) ? 0 : -(steps / 2) - 1
        m = MVAU(xnor: xnor, outScale: 1, outBias: bias, outType: .smallestInteger(min: Double(bias), max: Double(bias + steps)))
      }
    }
    g.nodes.append(Node(name: "mvau\(suffix)", op: .mvau(m), inputs: inputs, outputs: ["y\(suffix)"]))
    try g.inferTypes()
    return "y\(suffix)"
  }

  /// A uniform value of datatype `t`.
  public static func value(_ t: DataType, _ rng: inout SplitMix64) -> Float {
    t == .bipolar ? rng.pick([-1, 1]) : Float(rng.int(Int(t.min)...Int(t.max)))
  }
}
