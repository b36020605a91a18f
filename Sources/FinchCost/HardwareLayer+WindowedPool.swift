/// A max-pool whose windows overlap or reach into padding (Darknet's size-2
/// stride-1 pool) runs in a dataflow design as two units in one element
/// (`finch_window_maxpool`): a sliding window unit whose padded positions
/// hold the element type's lowest value (never above a value of the window,
/// and every window holds one), feeding a non-overlapping max-pool over each
/// window's `K_H·K_W` positions (the windows read as an `OH·OW × K_H·K_W`
/// image). The cycle, latency and resource models price both parts from the
/// layers ``windowedPoolParts`` describes; the emitter sets both from them.
extension HardwareLayer {
  /// The sliding window unit (its SIMD is the pool's PE) and the max-pool over
  /// window positions; nil for other layers and for max-pools with
  /// non-overlapping windows and no padding, which are one `finch_maxpool`.
  public var windowedPoolParts: (windows: HardwareLayer, reduce: HardwareLayer)? {
    guard kind == .streamingMaxPool, stride != kernel || pads.contains(where: { $0 != 0 }) else { return nil }
    let (oh, ow) = (outputDims[0], outputDims[1]), positions = kernel[0] * kernel[1]
    var windows = self
    windows.name = name + "_windows"
    windows.kind = .swu
    windows.inputDims = [inputDims[0] + pads[0] + pads[2], inputDims[1] + pads[1] + pads[3]]
    windows.padValue = Int64(inputType.min)
    windows.outputElements = oh * ow * positions * channels
    var reduce = self
    reduce.name = name + "_reduce"
    reduce.pads = [0, 0, 0, 0]
    (reduce.kernel, reduce.stride) = ([1, positions], [1, positions])
    (reduce.inputDims, reduce.outputDims) = ([oh * ow, positions], [oh * ow, 1])
    reduce.inputElements = windows.outputElements
    return (windows, reduce)
  }

  /// The folding of the window part of a windowed max-pool at the pool's `folding`: SIMD = PE.
  public static func windowFolding(_ folding: LayerFolding) -> LayerFolding { LayerFolding(pe: 1, simd: folding.pe) }
}
