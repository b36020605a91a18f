/// Cycles per frame of each hardware layer at a folding, and of the pipeline.
///
/// Formulas (FINN's, for the same hardware):
/// - MVAU: `(MH/PE)·(MW/SIMD)·vectors`: each of the MH/PE weight tiles reads
///   MW/SIMD input words per vector.
/// - SWU (line-buffered, one window element word per cycle): with `CF = C/SIMD`,
///   fill `((kH-1)·dH·W + (kW-1)·dW + 1)·CF`, then per output row the larger of
///   writing its windows `OW·kH·kW·CF` and reading the next input rows `sH·W·CF`.
/// - VVAU: `(C/PE)·K·vectors`: each window position of each channel group is one input word.
/// - Thresholding, AddStreams (per input stream), GlobalAccPool: `vectors·C/PE`.
/// - StreamingMaxPool: reads every input word once, `H·W·C/PE`; with
///   overlapping or padded windows (``HardwareLayer/windowedPoolParts``), the
///   more of that and the window words `OH·OW·K_H·K_W·C/PE`, plus the input
///   rows of the next frame's first windows that the window unit's line
///   buffer (`span + stride` rows) cannot take while it writes the last ones.
/// - LabelSelect: `labels/PE`.
///
/// Throughput is set by the slowest layer; latency is the sum along the pipeline
/// (FINN's `critical_path_cycles`, which ignores overlap: an upper bound).
public enum CycleModel {
  /// Cycles per frame of `layer` at `folding`.
  public static func cycles(_ layer: HardwareLayer, _ folding: LayerFolding) -> Int {
    let pe = max(folding.pe, 1), simd = max(folding.simd, 1)
    switch layer.kind {
    case .mvau, .vvau:
      return (layer.mh / pe) * (layer.mw / simd) * layer.vectors
    case .swu:
      let cf = layer.channels / simd
      let (w, oh, ow) = (layer.inputDims[1], layer.outputDims[0], layer.outputDims[1])
      let fill = ((layer.kernel[0] - 1) * layer.dilation[0] * w + (layer.kernel[1] - 1) * layer.dilation[1] + 1) * cf
      let write = ow * layer.kernel[0] * layer.kernel[1] * cf
      let read = layer.stride[1] * w * cf
      return fill + oh * max(write, read)
    case .thresholding, .addStreams, .streamingConcat, .globalAccPool:
      return layer.vectors * layer.channels / pe
    case .streamingMaxPool:
      if let (windows, reduce) = layer.windowedPoolParts {
        // One word per cycle through both parts: the input, or the windows' K_H·K_W words per output pixel
        // and the rows of the next frame's first windows that finch_swu's line buffer could not take early.
        let cf = layer.channels / pe, (h, w) = (layer.inputDims[0], layer.inputDims[1])
        let (span, stride, top, oh) = (windows.windowSpan[0], layer.stride[0], layer.pads[0], layer.outputDims[0])
        let lastStart = (oh - 1) * stride - top
        let lastRows = min(h, lastStart + span) - max(0, lastStart), free = span + stride - lastRows
        let stall = max(0, min(span - top, h) - free) * w * cf
        return max(h * w * cf, reduce.inputDims[0] * reduce.inputDims[1] * cf + stall)
      }
      return layer.inputDims[0] * layer.inputDims[1] * layer.channels / pe
    case .labelSelect:
      return layer.channels / pe
    }
  }
}
