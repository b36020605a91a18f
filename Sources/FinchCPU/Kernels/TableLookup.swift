#if arch(x86_64)
  import CFinchCPUKernels
#endif

/// Table look-up of 16-bit values: `out[i] = table[values[i] - offset]`, with
/// every index in `0 ..< table.count`.
public enum TableLookup {
  /// Looks up `count` values, vectorized on ``KernelISA/avx512`` for tables of exactly 256 entries
  /// (pad shorter ones).
  public static func lookup(
    _ table: UnsafeBufferPointer<Int16>, _ values: UnsafePointer<Int16>, count: Int, offset: Int16,
    into out: UnsafeMutablePointer<Int16>, isa: KernelISA = .active
  ) {
    #if arch(x86_64)
      if isa == .avx512 && table.count == 256 {
        finch_avx512_lookup256(table.baseAddress!, values, count, offset, out)
        return
      }
    #endif
    let base = table.baseAddress! - Int(offset)
    for i in 0..<count { out[i] = base[Int(values[i])] }
  }
}
