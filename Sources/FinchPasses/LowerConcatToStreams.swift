import FinchIR

/// Lowers a concatenation of computed integer tensors of one datatype along
/// channels to StreamingConcat layers (two streams each; more inputs nest
/// left to right): in NHWC between explicit transposes for NCHW feature maps
/// (axis 1), directly for `[N, C]` vectors.
public struct LowerConcatToStreams: Pass {
  public let name = "lower-concat-to-streams"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes {
      guard case .concat(let axis) = node.op, node.inputs.count >= 2, node.inputs.allSatisfy({ graph.initializers[$0] == nil }),
        let x = graph.type(of: node.inputs[0]), x.dataType.isInteger,
        node.inputs.allSatisfy({ graph.type(of: $0)?.dataType == x.dataType }),
        (x.shape.rank == 4 || x.shape.rank == 2) && x.shape.normalizedAxis(axis) == 1, let i = graph.index(of: node.name)
      else { continue }
      /// The concatenations of `streams` into `output`, two at a time.
      func pairs(_ graph: inout Graph, _ streams: [String], _ output: String) -> [Node] {
        var nodes: [Node] = []
        var joined = streams[0]
        for (k, next) in streams.enumerated().dropFirst() {
          let last = k == streams.count - 1
          let out = last ? output : graph.freshName("\(node.name)_part\(k)")
          nodes.append(Node(name: last ? node.name : graph.freshName("\(node.name)_\(k)"), op: .streamingConcat, inputs: [joined, next], outputs: [out]))
          joined = out
        }
        return nodes
      }
      if x.shape.rank == 2 {
        graph.nodes.replaceSubrange(i...i, with: pairs(&graph, node.inputs, node.outputs[0]))
      } else {
        graph.replaceInNHWC(i, streams: node.inputs, result: "joined", pairs)
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
