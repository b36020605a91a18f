import FinchCost
import FinchIR

extension ActivationLayout {
  /// How a value of `type` lies in an `bits`-wide lane of an activation
  /// record: bipolar as 1/0, signed types in two's complement over the whole
  /// lane (the engine sign-extends from the lane), unsigned ones as is.
  public static func laneFormat(_ type: DataType, bits: Int) -> StreamFormat {
    let lane: DataType = type == .bipolar ? .bipolar : type.isSigned ? .int(bits) : .uint(bits)
    return StreamFormat(dataType: lane, elementsPerWord: 1)
  }

  /// Writes `tensor` (this layout's elements in NHWC order, values of `type`)
  /// as pixel records at byte `address`, channels past `channels` zero.
  func store(_ tensor: Tensor, type: DataType, at address: Int, into memory: inout OffloadMemory) throws(FinchOffloadError) {
    let values = tensor.int64s
    guard values.count == height * width * channels else {
      throw .run("a tensor of \(values.count) elements does not fill a \(height)×\(width)×\(channels) activation buffer")
    }
    try memory.check(address, words: words, "activation buffer \(buffer)")
    let format = Self.laneFormat(type, bits: elementBits), wordBits = memory.wordBytes * 8
    for pixel in 0..<(height * width) {
      var record = BitWord(bits: pixelWords * wordBits)
      for c in 0..<channels { record.set(format.encode(values[pixel * channels + c]), at: c * elementBits, bits: elementBits) }
      memory.write(record, words: pixelWords, at: address + pixel * pixelWords * memory.wordBytes)
    }
  }

  /// Reads this layout's elements at byte `address` as values of `type`, a tensor of `valueType`'s shape and container.
  func load(_ valueType: ValueType, as type: DataType, at address: Int, from memory: OffloadMemory) throws(FinchOffloadError) -> Tensor {
    guard valueType.shape.elementCount == height * width * channels else {
      throw .run("activation buffer \(buffer) holds \(height)×\(width)×\(channels) elements; the graph expects \(valueType.shape)")
    }
    try memory.check(address, words: words, "activation buffer \(buffer)")
    let format = Self.laneFormat(type, bits: elementBits)
    var values: [Int64] = []
    values.reserveCapacity(height * width * channels)
    for pixel in 0..<(height * width) {
      let base = (address + pixel * pixelWords * memory.wordBytes) * 8
      for c in 0..<channels { values.append(format.decode(memory.field(bit: base + c * elementBits, width: elementBits))) }
    }
    return valueType.elementType == .int64 ? Tensor(shape: valueType.shape, int64s: values) : Tensor(shape: valueType.shape, floats: values.map { Float($0) })
  }
}
