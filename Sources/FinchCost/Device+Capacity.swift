extension Part {
  /// The part's resources in the units the resource model counts (block RAM
  /// in the part's own blocks: BRAM18 on Xilinx, EBR on iCE40).
  public var capacity: Resources {
    Resources(lut: luts, ff: ffs, dsp: dsps, bram18: bram18, uram: uram, ebr: ebr4k)
  }
}

extension Device {
  /// The part's resources (``Part/capacity``).
  public var capacity: Resources { part.capacity }
}
