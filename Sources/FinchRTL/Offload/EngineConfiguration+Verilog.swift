import FinchOffload

extension EngineConfiguration {
  /// The parameters of `finch_offload_engine` for this engine, in the module's order.
  public var verilogParameters: [(name: String, value: Int)] {
    [
      ("PE", pe), ("SIMD", simd), ("W_BITS", weightBits), ("A_BITS", activationBits), ("T_BITS", thresholdBits), ("MAX_KERNEL", maxKernel),
      ("MAX_CHANNELS", maxChannels), ("MAX_IMAGE", maxImageSize), ("WEIGHT_DEPTH", weightDepth), ("THRESHOLD_DEPTH", thresholdDepth),
      ("WORD_BITS", memoryWordBits), ("WINDOW_DEPTH", windowBufferDepth), ("POOL_DEPTH", poolBufferDepth),
    ]
  }
}
