import FinchIR
import FinchInterpreter

/// Turns an activation quantizer (Quant, BipolarQuant, Sign, or a
/// MultiThreshold on float values), together with the chain of monotone
/// elementwise float ops between it and an integer-valued tensor (scales,
/// biases, BatchNorm, Relu, LeakyRelu with alpha ≥ 0, Sigmoid, Clip), into one `MultiThreshold` on that integer
/// tensor, followed by the quantizer's scale.
///
/// Thresholds come from ``ThresholdSearch``, which evaluates the original
/// float ops at integer inputs, so they reproduce the model's rounding
/// (half-to-even ties included) exactly. Channels whose chain decreases (e.g.
/// a negative BatchNorm scale) have their producer's weights negated.
///
/// Quantizers with more than ``maxLevels`` levels (wider than 12 bits) stay as
/// they are: the search evaluates the chain about `levels · log2(inputs)` times,
/// which beyond 12 bits takes minutes. So do chains whose levels are not integers at some input (NaN from
/// extreme parameters): thresholds cannot reproduce them.
public struct ConvertQuantizersToThresholds: Pass {
  public let name = "quantizers-to-thresholds"
  public init() {}

  /// The most thresholds per channel the pass creates: those of a 12-bit quantizer.
  public static let maxLevels = (1 << 12) - 1

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    var progress = true
    while progress {
      progress = false
      for node in graph.nodes {
        if try convert(node, in: &graph) {
          progress = true
          changed = true
          break
        }
      }
    }
    return changed
  }

  /// How a quantizer maps its input to integer levels and levels to outputs.
  struct Levels {
    var lowest: Int64
    var count: Int
    var step: Int64
    var outType: DataType
    var scale: String?
    var zeroPoint: Float
    var integerLevels: (Tensor) throws(EvaluationError) -> Tensor
  }

  private func levels(of node: Node, _ graph: Graph) -> Levels? {
    switch node.op {
    case .quant(let q):
      guard let scale = graph.initializers[node.inputs[1]], let zp = graph.initializers[node.inputs[2]], zp.count == 1,
        let bitsTensor = graph.initializers[node.inputs[3]], let bits = Quant.bitWidth(of: bitsTensor)
      else { return nil }
      let z = zp.floats[0]
      let unitScale = scale.floats.allSatisfy { $0 == 1 }
      let compute: (Tensor) throws(EvaluationError) -> Tensor = { x throws(EvaluationError) in
        try Semantics.quantLevels(x, scale: scale, zeroPoint: zp, bitWidth: bitsTensor, q)
      }
      if bits == 1 && q.signed {
        return Levels(lowest: -1, count: 1, step: 2, outType: .bipolar, scale: unitScale ? nil : node.inputs[1], zeroPoint: z, integerLevels: compute)
      }
      let (lo, hi) = Quant.integerRange(bits: bits, signed: q.signed, narrow: q.narrow)
      guard let count = Int(exactly: hi - lo), count <= Self.maxLevels, let lowest = Int64(exactly: lo) else { return nil }
      let type = z == 0 ? Quant.levelType(bits: bits, signed: q.signed)
        : .smallestInteger(min: Double(lo - z), max: Double(hi - z))
      return Levels(
        lowest: lowest, count: count, step: 1, outType: type, scale: unitScale ? nil : node.inputs[1], zeroPoint: z,
        integerLevels: compute)
    case .bipolarQuant:
      guard let scale = graph.initializers[node.inputs[1]] else { return nil }
      return Levels(
        lowest: -1, count: 1, step: 2, outType: .bipolar, scale: scale.floats.allSatisfy { $0 == 1 } ? nil : node.inputs[1],
        zeroPoint: 0,
        integerLevels: { x throws(EvaluationError) in Tensor(shape: x.shape, floats: x.floats.map { $0 >= 0 ? 1 : -1 }) })
    case .unary(.sign):
      return Levels(
        lowest: -1, count: 2, step: 1, outType: .int(2), scale: nil, zeroPoint: 0,
        integerLevels: { x throws(EvaluationError) in try Semantics.evaluate(.unary(.sign), [x])[0] })
    case .multiThreshold(let m):
      // A MultiThreshold on float values (Darknet's xnor input sign) is a quantizer with levels outBias + outScale·count.
      guard let t = graph.initializers[node.inputs[1]], t.shape.rank == 2, t.shape[1] >= 1, t.shape[1] <= Self.maxLevels, m.outScale > 0,
        let step = Int64(exactly: m.outScale), let lowest = Int64(exactly: m.outBias)
      else { return nil }
      return Levels(
        lowest: lowest, count: t.shape[1], step: step, outType: m.outType, scale: nil, zeroPoint: 0,
        integerLevels: { x throws(EvaluationError) in try Semantics.evaluate(.multiThreshold(m), [x, t])[0] })
    default:
      return nil
    }
  }

  /// Which input of a chain op carries the data, when the op is a monotone
  /// elementwise function of it with every other input constant.
  private func dataInput(of node: Node, _ graph: Graph) -> Int? {
    let constant = node.inputs.map { $0.isEmpty || graph.initializers[$0] != nil }
    switch node.op {
    case .binary(.add), .binary(.sub), .binary(.mul):
      guard node.inputs.count == 2, constant[0] != constant[1] else { return nil }
      return constant[0] ? 1 : 0
    case .binary(.div):
      return node.inputs.count == 2 && !constant[0] && constant[1] ? 0 : nil
    case .batchNormalization, .clip, .unary(.relu), .unary(.sigmoid), .leakyRelu(alpha: 0...), .identity:
      return constant.dropFirst().allSatisfy { $0 } && !constant[0] ? 0 : nil
    default:
      return nil
    }
  }

  private func convert(_ quantizer: Node, in graph: inout Graph) throws(PassError) -> Bool {
    guard let levels = levels(of: quantizer, graph), quantizer.inputs.dropFirst().allSatisfy({ graph.initializers[$0] != nil })
    else { return false }
    // Walk back to the integer-valued tensor the chain starts from, and on
    // through integer-to-integer chain ops (Relu, Clip on an accumulator) so
    // that they join the thresholds instead of staying behind as float work.
    var chain: [(node: Node, data: Int)] = []
    var value = quantizer.inputs[0]
    while true {
      let integral = graph.type(of: value)?.dataType.isInteger ?? false
      guard let producer = graph.producer(of: value), let d = dataInput(of: producer, graph),
        graph.soleConsumer(of: value) != nil,
        !integral || graph.type(of: producer.inputs[d])?.dataType.isInteger ?? false
      else {
        if integral { break }
        return false
      }
      chain.insert((producer, d), at: 0)
      value = producer.inputs[d]
    }
    // A MultiThreshold already on an integer tensor is what this pass makes.
    if case .multiThreshold = quantizer.op, chain.isEmpty { return false }
    let x = value
    guard let xType = graph.type(of: x), graph.initializers[x] == nil, xType.shape.rank >= 1,
      xType.dataType.isInteger, xType.dataType.min >= -9e15, xType.dataType.max <= 9e15
    else { return false }
    guard let axis = channelAxis(chain.map(\.node) + [quantizer], x: xType.shape, graph) else { return false }
    let channels = axis.map { xType.shape[$0] } ?? 1
    var probeDims = [Int](repeating: 1, count: xType.shape.rank)
    if let axis { probeDims[axis] = channels }
    let probeShape = Shape(probeDims)

    func evaluate(_ inputs: [Int64]) throws -> [Int64] {
      var t = Tensor(shape: probeShape, floats: inputs.map { Float($0) })
      for (node, d) in chain {
        var args = node.inputs.map { $0.isEmpty ? nil : graph.initializers[$0] }
        args[d] = t
        t = try Semantics.evaluate(node.op, args)[0]
      }
      let q = try levels.integerLevels(t)
      guard q.shape == probeShape else { throw EvaluationError("the activation chain broadcasts beyond one value per channel") }
      return try q.floats.map { v in
        guard let level = Int64(exactly: v) else { throw NonIntegerLevel() }
        return (level - levels.lowest) / levels.step
      }
    }
    let found: [ThresholdSearch.Channel]
    do {
      found = try ThresholdSearch.search(
        channels: channels, range: Int64(xType.dataType.min)...Int64(xType.dataType.max), levels: levels.count, lowest: 0,
        level: evaluate)
    } catch let error as EvaluationError {
      throw .failed(pass: name, node: quantizer.name, reason: error.reason)
    } catch is NonIntegerLevel {
      return false
    } catch {
      throw .failed(pass: name, node: quantizer.name, reason: "\(error)")
    }
    guard found.allSatisfy({ $0.thresholds.allSatisfy { abs($0) <= 1 << 24 } }) else { return false }
    var source = x
    if found.contains(where: \.negated) {
      guard let negatedSource = negateChannels(of: x, where: found.map(\.negated), axis: axis, in: &graph) else { return false }
      source = negatedSource
    }
    // Replace the chain and the quantizer by MultiThreshold (+ scale).
    let thresholds = Tensor(shape: [channels, levels.count], floats: found.flatMap { $0.thresholds.map { Float($0) } })
    let thresholdName = graph.freshName("\(quantizer.name)_thresholds")
    graph.addConstant(thresholdName, thresholds)
    let position = graph.index(of: quantizer.name)!
    let output = quantizer.outputs[0]
    let thresholdOutput = levels.scale == nil ? output : graph.freshName("\(quantizer.name)_levels")
    let mt = MultiThreshold(
      outScale: Float(levels.step), outBias: Float(levels.lowest) - levels.zeroPoint, outType: levels.outType,
      channelsLast: axis == xType.shape.rank - 1 && xType.shape.rank > 2)
    graph.nodes[position] = Node(name: quantizer.name, op: .multiThreshold(mt), inputs: [source, thresholdName], outputs: [thresholdOutput])
    if let scale = levels.scale {
      let mul = Node(name: graph.freshName("\(quantizer.name)_scale"), op: .binary(.mul), inputs: [thresholdOutput, scale], outputs: [output])
      graph.nodes.insert(mul, at: position + 1)
    }
    let chainNames = Set(chain.map(\.node.name))
    graph.nodes.removeAll { chainNames.contains($0.name) }
    try graph.refreshTypes(after: name)
    return true
  }

  /// The axis along which the chain's constants vary: `.some(nil)` when all are
  /// scalars, nil when they vary along more than one axis.
  private func channelAxis(_ nodes: [Node], x: Shape, _ graph: Graph) -> Int?? {
    var axes = Set<Int>()
    for node in nodes {
      if case .batchNormalization = node.op {
        if x.rank >= 2 && x[1] > 1 { axes.insert(1) }
        continue
      }
      if case .multiThreshold(let m) = node.op {
        guard let t = graph.initializers[node.inputs[1]], t.shape.rank == 2 else { return nil }
        if t.shape[0] > 1 { axes.insert(m.channelsLast ? x.rank - 1 : 1) }
        continue
      }
      for name in node.inputs {
        guard let c = graph.initializers[name] else { continue }
        guard c.shape.rank <= x.rank else { return nil }
        let offset = x.rank - c.shape.rank
        for (i, d) in c.shape.dims.enumerated() where d > 1 { axes.insert(i + offset) }
      }
    }
    guard axes.count <= 1 else { return nil }
    return .some(axes.first)
  }

  /// Negates the flagged output channels of the MatMul/Conv producing `value`
  /// (its weights are constant), returning the value to threshold; nil if impossible.
  private func negateChannels(of value: String, where flags: [Bool], axis: Int?, in graph: inout Graph) -> String? {
    guard let producer = graph.producer(of: value), producer.inputs.count == 2, let w = graph.initializers[producer.inputs[1]],
      graph.soleConsumer(of: value) != nil, let i = graph.index(of: producer.name)
    else { return nil }
    var v = w.floats
    // Without a channel axis the chain is the same for every element: one flag for all channels.
    func flag(_ c: Int) -> Bool { axis == nil ? flags[0] : flags[c] }
    switch producer.op {
    case .matMul where w.shape.rank == 2 && (axis == nil || axis == (graph.type(of: value)?.shape.rank ?? 0) - 1):
      let n = w.shape[1]
      for k in v.indices where flag(k % n) { v[k] = -v[k] }
    case .conv where axis == nil || axis == 1:
      let per = w.count / w.shape[0]
      for k in v.indices where flag(k / per) { v[k] = -v[k] }
    default:
      return nil
    }
    let wType = graph.type(of: producer.inputs[1])?.dataType ?? .float32
    let negatedType: DataType = wType.isInteger && wType != .bipolar && wType != .ternary
      ? .smallestInteger(min: -wType.max, max: -wType.min).widened(toInclude: wType) : wType
    let name = graph.freshName("\(producer.inputs[1])_negated")
    graph.addConstant(name, Tensor(shape: w.shape, floats: v), dataType: negatedType)
    graph.nodes[i].inputs[1] = name
    return value
  }
}

extension DataType {
  /// The smallest integer type holding both this type's values and `other`'s.
  fileprivate func widened(toInclude other: DataType) -> DataType {
    .smallestInteger(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
  }
}

/// The chain gives a level that is not an integer (NaN) at some input: no thresholds reproduce it.
private struct NonIntegerLevel: Error {}
