import Foundation

/// The instruction set a family of CPU kernels is written for.
///
/// - `portable`: plain Swift (SIMD types lowered for the baseline target).
/// - `avx2`: AVX2 + POPCNT (Haswell, Zen 1 and later).
/// - `avx512`: AVX-512 F/BW/VL/VPOPCNTDQ/VNNI (Ice Lake, Zen 4 and later).
public enum KernelISA: String, CaseIterable, Sendable, CustomStringConvertible {
  case portable, avx2, avx512

  public var description: String { rawValue }

  /// The environment variable that picks an ISA by name (`portable`, `avx2`,
  /// `avx512`); one the CPU lacks is ignored with a warning on stderr.
  public static let environmentVariable = "FINCH_CPU_ISA"

  /// The ISA the kernels use in this process: `FINCH_CPU_ISA` where set and
  /// supported, otherwise the fastest the CPU supports.
  public static let active: KernelISA = {
    let override = ProcessInfo.processInfo.environment[environmentVariable]
    let (isa, warning) = select(override: override, features: .host)
    if let warning { FileHandle.standardError.write(Data("finch: warning: \(warning)\n".utf8)) }
    return isa
  }()

  /// The ISA for an override value and a CPU, with the warning to print when
  /// the override cannot be honoured.
  static func select(override: String?, features: CPUFeatures) -> (KernelISA, warning: String?) {
    guard let override, !override.isEmpty else { return (features.best, nil) }
    guard let wanted = KernelISA(rawValue: override.lowercased()) else {
      let names = allCases.map(\.rawValue).joined(separator: ", ")
      return (features.best, "\(environmentVariable)=\(override) is not one of \(names); using \(features.best)")
    }
    guard features.supports(wanted) else {
      return (features.best, "\(environmentVariable)=\(override) but this CPU lacks \(wanted); using \(features.best)")
    }
    return (wanted, nil)
  }
}
