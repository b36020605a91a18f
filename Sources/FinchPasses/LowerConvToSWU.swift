import FinchIR

/// Lowers a 2-D convolution with integer inputs and constant integer weights
/// to a sliding window unit and a matrix multiply in NHWC, with explicit
/// transposes at both ends: `Transpose(NHWC) -> SWU -> MatMul -> Transpose(NCHW)`.
///
/// The weight matrix rows follow the SWU's im2col order, channel fastest:
/// `W'[(ky·kW + kx)·C + c, m] = W[m, c, ky, kx]`. A depthwise convolution
/// (`group` = input channels = output channels) becomes a VVAU instead, with
/// weights `W'[ky·kW + kx, c] = W[c, 0, ky, kx]`.
public struct LowerConvToSWU: Pass {
  public let name = "lower-conv-to-swu"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes {
      guard case .conv(let c) = node.op, node.inputs.count == 2, let w = graph.initializers[node.inputs[1]],
        let xType = graph.type(of: node.inputs[0]), xType.dataType.isInteger,
        let i = graph.index(of: node.name)
      else { continue }
      let (m, ch, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
      let depthwise = c.group > 1 && c.group == m && ch == 1 && xType.shape[1] == m
      // A padded window needs a stream that holds the padding's 0 (a bipolar one does not).
      guard c.group == 1 || depthwise, c.pads.allSatisfy({ $0 == 0 }) || xType.dataType.allows(0) else { continue }
      let wv = w.floats
      // Rows: window position (then input channel) as the SWU emits them; columns: output channels.
      var matrix = [Float](repeating: 0, count: kh * kw * ch * m)
      for o in 0..<m {
        for cc in 0..<ch {
          for ky in 0..<kh {
            for kx in 0..<kw { matrix[((ky * kw + kx) * ch + cc) * m + o] = wv[((o * ch + cc) * kh + ky) * kw + kx] }
          }
        }
      }
      let weights = graph.freshName("\(node.name)_matrix")
      graph.addConstant(weights, Tensor(shape: [kh * kw * ch, m], floats: matrix), dataType: graph.type(of: node.inputs[1])?.dataType)
      let swu = SWU(kernel: c.kernel, strides: c.strides, pads: c.pads, dilations: c.dilations)
      graph.replaceInNHWC(i, streams: [node.inputs[0]], result: "product") { graph, nhwc, product in
        let windows = graph.freshName("\(node.name)_windows")
        return [
          Node(name: graph.freshName("\(node.name)_swu"), op: .swu(swu), inputs: nhwc, outputs: [windows]),
          Node(name: node.name, op: depthwise ? .vvau(MVAU(xnor: false)) : .matMul, inputs: [windows, weights], outputs: [product]),
        ]
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
