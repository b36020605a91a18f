extension Device {
  /// The part's resources in the units the resource model counts (block RAM
  /// in the part's own blocks: BRAM18 on Xilinx, EBR on iCE40).
  public var capacity: Resources {
    Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18, uram: part.uram, ebr: part.ebr4k)
  }
}
