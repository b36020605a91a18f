import FinchIR

extension Graph {
  /// Replaces node `i` by nodes computed in NHWC between explicit transposes:
  /// each of `streams` (NCHW values) goes through a `Transpose` to NHWC
  /// (`<node>_to_nhwc`, or `<node>_in<k>_to_nhwc` for several), `build` gets
  /// their NHWC names and the name of the NHWC value its last node must
  /// write (`<node>_<result>`), and a `Transpose` back (`<node>_to_nchw`)
  /// writes the replaced node's outputs. ``RemoveTransposes`` cancels the
  /// transposes between consecutive layers.
  mutating func replaceInNHWC(_ i: Int, streams: [String], result: String, _ build: (inout Graph, [String], String) -> [Node]) {
    let node = nodes[i]
    var lowered: [Node] = []
    var inputs: [String] = []
    for (k, input) in streams.enumerated() {
      let tag = streams.count == 1 ? node.name : "\(node.name)_in\(k)"
      let nhwc = freshName("\(tag)_nhwc")
      lowered.append(Node(name: freshName("\(tag)_to_nhwc"), op: .transpose(perm: [0, 2, 3, 1]), inputs: [input], outputs: [nhwc]))
      inputs.append(nhwc)
    }
    let output = freshName("\(node.name)_\(result)")
    lowered += build(&self, inputs, output)
    lowered.append(Node(name: freshName("\(node.name)_to_nchw"), op: .transpose(perm: [0, 3, 1, 2]), inputs: [output], outputs: node.outputs))
    nodes.replaceSubrange(i...i, with: lowered)
  }
}
