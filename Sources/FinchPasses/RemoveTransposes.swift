import FinchIR

/// Removes the layout transposes that lowering makes explicit: cancels inverse
/// pairs (also at forks, reader by reader), moves them through thresholds (which become channels-last), absorbs
/// an NCHW flatten into the next MatMul's weight order, and turns transposes
/// that only move unit dimensions into reshapes. Transposes left at the graph's
/// input or output become host-side layout work.
public struct RemoveTransposes: Pass {
  public let name = "remove-transposes"
  public init() {}

  static let toNHWC = [0, 2, 3, 1]
  static let toNCHW = [0, 3, 1, 2]

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    while let rewrite = nextRewrite(graph) {
      rewrite(&graph)
      try graph.refreshTypes(after: name)
      changed = true
    }
    return changed
  }

  private typealias Rewrite = (inout Graph) -> Void

  private func nextRewrite(_ graph: Graph) -> Rewrite? {
    for t in graph.nodes {
      guard case .transpose(let perm) = t.op, let shape = graph.type(of: t.inputs[0])?.shape else { continue }
      let a = t.inputs[0], b = t.outputs[0]
      // Each reader is rewritten on its own (at a fork there are several); the
      // transpose goes once nothing reads it, and its name passes to the one it becomes.
      let readers = graph.consumers(of: b)
      let sole = readers.count == 1 && !graph.outputs.contains(b)
      for next in readers {
        if case .transpose(let p2) = next.op, p2.indices.allSatisfy({ perm[p2[$0]] == $0 }) {
          return { g in
            g.replaceUses(of: next.outputs[0], with: a)
            g.nodes.removeAll { $0.name == next.name || (sole && $0.name == t.name) }
          }
        }
        if perm == Self.toNCHW, case .multiThreshold(var m) = next.op, !m.channelsLast, next.inputs[0] == b {
          return { g in
            m.channelsLast = true
            if sole { g.nodes.removeAll { $0.name == t.name } }
            let levels = g.freshName("\(next.name)_nhwc")
            let i = g.index(of: next.name)!
            g.nodes[i] = Node(name: next.name, op: .multiThreshold(m), inputs: [a, next.inputs[1]], outputs: [levels])
            let back = sole ? t.name : g.freshName("\(next.name)_to_nchw")
            g.nodes.insert(Node(name: back, op: t.op, inputs: [levels], outputs: next.outputs), at: i + 1)
          }
        }
      }
      guard let next = graph.soleConsumer(of: b) else { continue }
      if perm == Self.toNHWC, let producer = graph.producer(of: a), case .multiThreshold(var m) = producer.op, !m.channelsLast,
        graph.soleConsumer(of: a)?.name == t.name
      {
        return { g in
          m.channelsLast = true
          let moved = g.freshName("\(t.name)_in")
          g.nodes[g.index(of: t.name)!] = Node(name: producer.name, op: .multiThreshold(m), inputs: [moved, producer.inputs[1]], outputs: [b])
          g.nodes[g.index(of: producer.name)!] = Node(name: t.name, op: t.op, inputs: [producer.inputs[0]], outputs: [moved])
        }
      }
      if perm == Self.toNCHW, let rewrite = absorbFlatten(t, next, shape, graph) { return rewrite }
    }
    for t in graph.nodes {
      guard case .transpose(let perm) = t.op, let shape = graph.type(of: t.inputs[0])?.shape else { continue }
      let nonUnit = perm.filter { shape.dims[$0] != 1 }
      guard nonUnit == nonUnit.sorted() else { continue }
      return { g in
        let target = g.freshName("\(t.name)_shape")
        let outShape = perm.map { shape.dims[$0] }
        g.addConstant(target, Tensor(shape: [outShape.count], int64s: outShape.map { Int64($0) }))
        g.nodes[g.index(of: t.name)!] = Node(name: t.name, op: .reshape(allowZero: false), inputs: [t.inputs[0], target], outputs: t.outputs)
      }
    }
    return nil
  }

  /// `Transpose(NCHW) -> Reshape/Flatten to [N, C·H·W] -> MatMul(W)` becomes
  /// `Reshape to [N, H·W·C] -> MatMul(W')` with W's rows in NHWC order.
  private func absorbFlatten(_ t: Node, _ flatten: Node, _ nhwc: Shape, _ graph: Graph) -> Rewrite? {
    switch flatten.op {
    case .reshape, .flatten: break
    default: return nil
    }
    guard let out = graph.type(of: flatten.outputs[0])?.shape, out.rank == 2, out[0] == nhwc[0],
      let matMul = graph.soleConsumer(of: flatten.outputs[0]), case .matMul = matMul.op, matMul.inputs[0] == flatten.outputs[0],
      let w = graph.initializers[matMul.inputs[1]], w.shape.rank == 2
    else { return nil }
    let (h, wd, c) = (nhwc[1], nhwc[2], nhwc[3])
    return { g in
      let cols = w.shape[1], v = w.floats
      var reordered = [Float](repeating: 0, count: v.count)
      for y in 0..<h {
        for x in 0..<wd {
          for ch in 0..<c {
            let from = (ch * h + y) * wd + x, to = (y * wd + x) * c + ch
            for j in 0..<cols { reordered[to * cols + j] = v[from * cols + j] }
          }
        }
      }
      let weights = g.freshName("\(matMul.inputs[1])_nhwc")
      g.addConstant(weights, Tensor(shape: w.shape, floats: reordered), dataType: g.type(of: matMul.inputs[1])?.dataType)
      g.nodes[g.index(of: matMul.name)!].inputs[1] = weights
      let target = g.freshName("\(flatten.name)_shape")
      g.addConstant(target, Tensor(shape: [2], int64s: [Int64(out[0]), Int64(out[1])]))
      g.nodes[g.index(of: flatten.name)!] = Node(name: flatten.name, op: .reshape(allowZero: false), inputs: [t.inputs[0], target], outputs: flatten.outputs)
      g.nodes.removeAll { $0.name == t.name }
    }
  }
}
