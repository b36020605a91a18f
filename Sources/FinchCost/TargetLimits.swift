/// The ranges Finch accepts for a clock and a throughput target, checked where
/// the values enter (flags, configs, library calls), so that nothing computed
/// from them can overflow.
public enum TargetLimits {
  /// Fabric clocks in MHz: from the slowest iCE40 demo to beyond any FPGA fabric.
  public static let clockMHz: ClosedRange<Double> = 1...2000
  /// Target frames per second (beyond one frame per cycle a target is simply not met).
  public static let fps: ClosedRange<Double> = 0.001...1e15

  /// Checks a clock in MHz.
  public static func checkClock(_ mhz: Double) throws(FinchCostError) {
    guard clockMHz.contains(mhz) else {
      throw .invalidTarget("the clock must be \(clockMHz.lowerBound)...\(clockMHz.upperBound) MHz, not \(mhz)")
    }
  }

  /// The cycles per frame that reach `fps` frames/s at `clockMHz` (at least 1).
  public static func cyclesPerFrame(clockMHz mhz: Double, fps target: Double) throws(FinchCostError) -> Int {
    try checkClock(mhz)
    guard fps.contains(target) else {
      throw .invalidTarget("the target must be \(fps.lowerBound)...\(fps.upperBound) frames/s, not \(target)")
    }
    // At most 2e3 MHz / 1e-3 fps = 2e12 cycles: well inside Int.
    return max(1, Int((mhz * 1e6 / target).rounded(.down)))
  }
}
