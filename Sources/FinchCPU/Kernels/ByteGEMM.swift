#if arch(x86_64)
  import CFinchCPUKernels
#endif

/// Integer GEMM for 8-bit activations (held in Int16, signed or unsigned) and
/// signed 8-bit weights on the AVX-512 VNNI byte dot product (VPDPBUSD), four
/// products per lane instead of two: twice the integer kernel's rate.
/// Activations are shifted into 0...255 on the fly and the shift's share of
/// each sum is taken back off, so results equal `IntegerGEMM.multiply` exactly.
/// Only on ``KernelISA/avx512``; ``ByteWeightPanels/init(_:rows:ldb:depth:activationOffset:)``
/// returns nil elsewhere and the caller keeps the 16-bit kernels.
public struct ByteWeightPanels: Sendable {
  /// The number of weight rows (`n`).
  public let rows: Int
  /// The number of values in each row.
  public let depth: Int
  /// Added to every activation to make it a byte (128 for signed activations, 0 for unsigned).
  public let activationOffset: Int16
  /// Panels of depth quads (see `finch_avx512_byte_multiply` in CFinchCPUKernels).
  let storage: [Int8]
  /// `activationOffset · Σ_p b_j[p]` per row, padded to the panel width.
  let columnSums: [Int32]

  /// Bytes of scratch one call needs (four narrowed activation rows).
  public var scratchBytes: Int { 4 * ((depth + 3) / 4) * 4 }

  /// Rearranges `rows` rows of `depth` signed 8-bit values of `b`, `ldb` apart;
  /// nil unless the active kernels are AVX-512 (with VNNI) and every weight is in -128...127.
  public init?(_ b: UnsafePointer<Int16>, rows: Int, ldb: Int, depth: Int, activationOffset: Int16, isa: KernelISA = .active) {
    guard isa == .avx512 else { return nil }
    for r in 0..<rows { for p in 0..<depth where !(-128...127).contains(b[r * ldb + p]) { return nil } }
    let quads = (depth + 3) / 4
    let panels = (rows + 31) / 32 * 2
    self.rows = rows
    self.depth = depth
    self.activationOffset = activationOffset
    storage = [Int8](unsafeUninitializedCapacity: max(1, panels * quads * 64)) { buffer, count in
      count = buffer.count
      buffer.initialize(repeating: 0)
      for row in 0..<rows {
        let panel = buffer.baseAddress! + (row / 16) * quads * 64 + (row % 16) * 4
        for p in 0..<depth { panel[(p / 4) * 64 + p % 4] = Int8(b[row * ldb + p]) }
      }
    }
    columnSums = (0..<(panels * 16)).map { row in
      row < rows ? Int32(activationOffset) * (0..<depth).reduce(Int32(0)) { $0 + Int32(b[row * ldb + $1]) } : 0
    }
  }

  /// `c[i * ldc + j] = Σ_p a[i * lda + p] · b_j[p]` for `m` rows of 8-bit activations
  /// (`a + activationOffset` in 0...255); `scratch` holds at least ``scratchBytes``.
  public func multiply(
    a: UnsafePointer<Int16>, rows m: Int, lda: Int, scratch: UnsafeMutableRawPointer, c: UnsafeMutablePointer<Int32>,
    ldc: Int
  ) {
    guard m > 0, rows > 0 else { return }
    #if arch(x86_64)
      storage.withUnsafeBufferPointer { panels in
        columnSums.withUnsafeBufferPointer { sums in
          finch_avx512_byte_multiply(
            a, m, lda, activationOffset, panels.baseAddress!, rows, depth, sums.baseAddress!,
            scratch.assumingMemoryBound(to: UInt8.self), c, ldc)
        }
      }
    #endif
  }
}
