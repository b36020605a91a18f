import FinchIR

/// Takes a common scale out of a sum: `Add(Mul(a, s), Mul(b, s))` becomes
/// `Mul(Add(a, b), s)` when `a` and `b` are integer tensors and both scales are
/// the same constant (a residual block whose two branches share one quantizer,
/// as Brevitas exports them). The sum of integers is then an integer tensor a
/// hardware adder computes, and the scale joins the thresholds after it.
///
/// Exact by check, not by assumption: the rewrite is made only when, for every
/// pair of values the two integer types hold and every scale value, float32
/// arithmetic gives `fl(fl(x·s) + fl(y·s)) == fl(fl(x + y)·s)`, so the sum
/// holds the very values the model computed. Types with more than
/// ``maxPairs`` value pairs are left alone.
public struct FactorScaleOutOfAdd: Pass {
  public let name = "factor-scale-out-of-add"
  public init() {}

  /// The most value pairs the exactness check enumerates (two 8-bit types).
  public static let maxPairs = 1 << 16

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for add in graph.nodes {
      guard case .binary(.add) = add.op, add.inputs.count == 2, add.inputs[0] != add.inputs[1],
        let left = scaled(add.inputs[0], by: add, graph), let right = scaled(add.inputs[1], by: add, graph),
        let s = graph.initializers[left.scale], let s2 = graph.initializers[right.scale], s == s2,
        let a = graph.type(of: left.value), let b = graph.type(of: right.value), graph.type(of: add.outputs[0])?.shape == a.shape,
        exact(a.dataType, b.dataType, scales: Set(s.floats)), let i = graph.index(of: add.name)
      else { continue }
      let sum = graph.freshName("\(add.name)_levels")
      let mul = Node(name: graph.freshName("\(add.name)_scale"), op: .binary(.mul), inputs: [sum, left.scale], outputs: add.outputs)
      graph.nodes[i] = Node(name: add.name, op: .binary(.add), inputs: [left.value, right.value], outputs: [sum])
      graph.nodes.insert(mul, at: i + 1)
      graph.nodes.removeAll { $0.name == left.node || $0.name == right.node }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }

  /// `value` as `Mul(integer tensor, constant)` read only by `add`.
  private func scaled(_ value: String, by add: Node, _ graph: Graph) -> (node: String, value: String, scale: String)? {
    guard graph.soleConsumer(of: value)?.name == add.name, let mul = graph.producer(of: value), case .binary(.mul) = mul.op,
      mul.inputs.count == 2
    else { return nil }
    let c = mul.inputs.firstIndex { graph.initializers[$0] != nil }
    guard let c, graph.initializers[mul.inputs[1 - c]] == nil, graph.type(of: mul.inputs[1 - c])?.dataType.isInteger == true,
      graph.type(of: mul.inputs[1 - c])?.shape == graph.type(of: value)?.shape
    else { return nil }
    return (mul.name, mul.inputs[1 - c], mul.inputs[c])
  }

  /// Whether scaling each operand and adding gives the same float32 values as adding and scaling.
  private func exact(_ a: DataType, _ b: DataType, scales: Set<Float>) -> Bool {
    guard DataType.integerSum(a, b, subtract: false) != nil, (a.max - a.min + 1) * (b.max - b.min + 1) <= Double(Self.maxPairs) else {
      return false
    }
    for s in scales where s.isFinite {
      for x in Int(a.min)...Int(a.max) {
        for y in Int(b.min)...Int(b.max) where Float(x) * s + Float(y) * s != Float(x + y) * s { return false }
      }
    }
    return scales.allSatisfy(\.isFinite)
  }
}
