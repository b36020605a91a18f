import FinchIR

/// How a tensor travels on a stream between hardware elements:
/// `elementsPerWord` values of `dataType`, element 0 in the least significant
/// bits, row-major NHWC order (see Docs/rtl.md).
public struct StreamFormat: Sendable, Equatable, CustomStringConvertible {
  public var dataType: DataType
  public var elementsPerWord: Int

  public init(dataType: DataType, elementsPerWord: Int) {
    self.dataType = dataType
    self.elementsPerWord = elementsPerWord
  }

  /// Bits of one element on the wire.
  public var elementBits: Int { dataType.bitWidth }
  /// Bits of one word.
  public var wordBits: Int { elementBits * elementsPerWord }

  public var description: String { "\(elementsPerWord) x \(dataType) (\(wordBits) bits)" }

  /// The wire encoding of one value (two's complement, or 1/0 for bipolar +1/-1).
  public func encode(_ value: Int64) -> UInt64 {
    let v = dataType == .bipolar ? (value > 0 ? 1 : 0) : value
    let mask: UInt64 = elementBits >= 64 ? .max : (1 << UInt64(elementBits)) - 1
    return UInt64(bitPattern: v) & mask
  }

  /// The value of a wire encoding.
  public func decode(_ raw: UInt64) -> Int64 {
    if dataType == .bipolar { return raw & 1 == 1 ? 1 : -1 }
    guard dataType.isSigned, elementBits < 64 else { return Int64(bitPattern: raw) }
    let sign: UInt64 = 1 << UInt64(elementBits - 1)
    return raw & sign != 0 ? Int64(bitPattern: raw) - Int64(bitPattern: sign << 1) : Int64(raw)
  }
}
