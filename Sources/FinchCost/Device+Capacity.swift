extension Device {
  /// The part's resources in the units the resource model counts. iCE40 block
  /// RAM (4 Kb EBRs) is counted in 18 Kb equivalents, rounded down.
  public var capacity: Resources {
    Resources(lut: part.luts, ff: part.ffs, dsp: part.dsps, bram18: part.bram18 + part.ebr4k * 4 / 18, uram: part.uram)
  }
}
