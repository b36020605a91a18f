import FinchCost

/// The engine's simulated DRAM: `total_bytes` of memory at base address 0,
/// the memory image first (Docs/offload.md §6). Memory words are
/// `memory_word_bits` wide, low bits first, bytes little-endian, so memory is
/// one little-endian bit stream and a field is addressed by its bit.
/// Every access is whole memory words, aligned (the port has no byte enables).
public struct OffloadMemory: Sendable, Equatable {
  public var bytes: [UInt8]
  /// Bytes of one memory word.
  public let wordBytes: Int

  /// `schedule.memory.totalBytes` of zeroed memory holding `image` at address 0.
  public init(schedule: Schedule, image: MemoryImage) throws(FinchOffloadError) {
    guard image.bytes.count == schedule.memory.imageBytes, schedule.memory.totalBytes >= image.bytes.count else {
      throw .invalidSchedule("the memory image has \(image.bytes.count) bytes; the schedule's has \(schedule.memory.imageBytes)")
    }
    self.init(bytes: image.bytes + [UInt8](repeating: 0, count: schedule.memory.totalBytes - image.bytes.count), wordBytes: schedule.engine.memoryWordBytes)
  }

  /// Memory holding `bytes` at address 0, in words of `wordBytes` bytes.
  public init(bytes: [UInt8], wordBytes: Int) {
    (self.bytes, self.wordBytes) = (bytes, wordBytes)
  }

  /// Checks that `words` memory words at byte `address` are aligned and inside memory.
  public func check(_ address: Int, words: Int, _ what: @autoclosure () -> String) throws(FinchOffloadError) {
    try Self.check(address, words: words, wordBytes: wordBytes, memoryBytes: bytes.count, what())
  }

  /// Checks that `words` words of `wordBytes` bytes at byte `address` are aligned and inside `memoryBytes` bytes from address 0.
  static func check(_ address: Int, words: Int, wordBytes: Int, memoryBytes: Int, _ what: @autoclosure () -> String) throws(FinchOffloadError) {
    guard address >= 0, words >= 0, address % wordBytes == 0, address + words * wordBytes <= memoryBytes else {
      throw .run("\(what()): \(words) words at byte \(address) are not aligned \(wordBytes)-byte words inside the \(memoryBytes)-byte memory")
    }
  }

  /// The `width`-bit field (at most 64) starting at bit `bit` of memory.
  @inlinable
  public func field(bit: Int, width: Int) -> UInt64 {
    var value: UInt64 = 0, got = 0, at = bit
    while got < width {
      let offset = at & 7, take = min(8 - offset, width - got)
      value |= UInt64((bytes[at >> 3] >> UInt8(offset)) & UInt8((1 << take) - 1)) << UInt64(got)
      (got, at) = (got + take, at + take)
    }
    return value
  }

  /// Writes `word` as `words` whole memory words at byte `address` (bits past the word's width: zero).
  public mutating func write(_ word: BitWord, words: Int, at address: Int) {
    for i in 0..<(words * wordBytes) {
      let limb = i / 8 < word.limbs.count ? word.limbs[i / 8] : 0
      bytes[address + i] = UInt8(truncatingIfNeeded: limb >> UInt64(8 * (i % 8)))
    }
  }
}
