import CFinchCPUID

/// The instruction-set features Finch's CPU kernels care about, read from
/// CPUID (and XCR0, so a feature counts only when the OS saves its registers).
public struct CPUFeatures: Sendable, Equatable {
  public var popcnt = false
  public var avx2 = false
  public var avx512f = false
  public var avx512bw = false
  public var avx512vl = false
  public var avx512vpopcntdq = false
  public var avx512vnni = false

  public init() {}

  /// The features of the machine this process runs on.
  public static let host = CPUFeatures.detect()

  /// Whether kernels for `isa` can run with these features.
  public func supports(_ isa: KernelISA) -> Bool {
    switch isa {
    case .portable: true
    case .avx2: avx2 && popcnt
    case .avx512: supports(.avx2) && avx512f && avx512bw && avx512vl && avx512vpopcntdq && avx512vnni
    }
  }

  /// The fastest ISA these features support.
  public var best: KernelISA { KernelISA.allCases.last(where: supports)! }

  /// Reads CPUID leaves 1 and 7; all false off x86.
  static func detect() -> CPUFeatures {
    var features = CPUFeatures()
    var leaf1: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    var leaf7: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    guard cpuid(1, into: &leaf1) else { return features }
    let xcr0 = finch_xcr0()
    let osSavesAVX = xcr0 & 0x6 == 0x6  // XMM and YMM state
    let osSavesAVX512 = osSavesAVX && xcr0 & 0xE0 == 0xE0  // opmask, ZMM_Hi256, Hi16_ZMM
    features.popcnt = leaf1.2.bit(23)
    guard cpuid(7, into: &leaf7), osSavesAVX, leaf1.2.bit(28) else { return features }
    features.avx2 = leaf7.1.bit(5)
    guard osSavesAVX512 else { return features }
    features.avx512f = leaf7.1.bit(16)
    features.avx512bw = leaf7.1.bit(30)
    features.avx512vl = leaf7.1.bit(31)
    features.avx512vnni = leaf7.2.bit(11)
    features.avx512vpopcntdq = leaf7.2.bit(14)
    return features
  }

  private static func cpuid(_ leaf: UInt32, into registers: inout (UInt32, UInt32, UInt32, UInt32)) -> Bool {
    withUnsafeMutableBytes(of: &registers) { raw in
      finch_cpuid(leaf, 0, raw.baseAddress!.assumingMemoryBound(to: UInt32.self)) != 0
    }
  }
}

extension UInt32 {
  fileprivate func bit(_ index: UInt32) -> Bool { self & (1 << index) != 0 }
}
