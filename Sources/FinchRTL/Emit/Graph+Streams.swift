import FinchIR

extension Graph {
  /// The stream format of `value` with `fold` elements per word, and its words per frame.
  func stream(_ value: String, fold: Int, layer: String) throws(RTLError) -> (format: StreamFormat, words: Int) {
    guard let t = type(of: value) else { throw .unsupported(layer: layer, reason: "value '\(value)' has no type") }
    guard t.dataType.isInteger || t.elementType == .int64 else {
      throw .unsupported(layer: layer, reason: "value '\(value)' is \(t.dataType); hardware streams carry integers")
    }
    guard fold >= 1, t.shape.elementCount % fold == 0 else {
      throw .unsupported(layer: layer, reason: "\(t.shape.elementCount) elements of '\(value)' do not fill words of \(fold)")
    }
    return (StreamFormat(dataType: t.dataType, elementsPerWord: fold), t.shape.elementCount / fold)
  }
}
