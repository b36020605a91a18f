import FinchCost
import FinchIR

/// Stream words as the simulators read and write them: hex strings.
extension StreamFormat {
  /// The words carrying `tensor`, as hex strings (most significant digit first).
  public func words(_ tensor: Tensor) throws(RTLError) -> [String] {
    let values = tensor.int64s
    guard values.count % elementsPerWord == 0 else {
      throw .invalidStream("\(values.count) values do not fill words of \(elementsPerWord)")
    }
    return stride(from: 0, to: values.count, by: elementsPerWord).map { start in
      var limbs = [UInt64](repeating: 0, count: (wordBits + 63) / 64)
      for i in 0..<elementsPerWord { set(&limbs, at: i * elementBits, bits: encode(values[start + i])) }
      return hex(limbs)
    }
  }

  /// The tensor of `shape` carried by hex `words`.
  public func tensor(fromWords words: [String], shape: Shape) throws(RTLError) -> Tensor {
    guard words.count * elementsPerWord == shape.elementCount else {
      throw .invalidStream("\(words.count) words of \(elementsPerWord) do not make a tensor of shape \(shape)")
    }
    var values: [Float] = []
    values.reserveCapacity(shape.elementCount)
    for word in words {
      let limbs = try parse(word)
      for i in 0..<elementsPerWord { values.append(Float(decode(get(limbs, at: i * elementBits)))) }
    }
    return Tensor(shape: shape, floats: values)
  }

  private func set(_ limbs: inout [UInt64], at bit: Int, bits value: UInt64) {
    for b in 0..<elementBits where value >> UInt64(b) & 1 == 1 {
      limbs[(bit + b) / 64] |= 1 << UInt64((bit + b) % 64)
    }
  }

  private func get(_ limbs: [UInt64], at bit: Int) -> UInt64 {
    var v: UInt64 = 0
    for b in 0..<elementBits where (bit + b) / 64 < limbs.count && limbs[(bit + b) / 64] >> UInt64((bit + b) % 64) & 1 == 1 {
      v |= 1 << UInt64(b)
    }
    return v
  }

  private func hex(_ limbs: [UInt64]) -> String {
    let digits = (wordBits + 3) / 4
    var s = ""
    for d in stride(from: digits - 1, through: 0, by: -1) {
      let nibble = limbs[d / 16] >> UInt64((d % 16) * 4) & 0xF
      s.append(String(nibble, radix: 16))
    }
    return s
  }

  private func parse(_ word: String) throws(RTLError) -> [UInt64] {
    var limbs = [UInt64](repeating: 0, count: (wordBits + 63) / 64 + 1)
    for (d, c) in word.reversed().enumerated() {
      guard let nibble = c.hexDigitValue else {
        throw .invalidStream("'\(word)' is not a hex word (x or z from the simulator means an undriven output)")
      }
      if d / 16 < limbs.count { limbs[d / 16] |= UInt64(nibble) << UInt64((d % 16) * 4) }
    }
    return limbs
  }
}
