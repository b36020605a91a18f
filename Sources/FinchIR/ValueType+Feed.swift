extension ValueType {
  /// Checks that the values of `tensor`, fed to the graph input `input`, are
  /// values of ``dataType`` (no NaN anywhere; integers in range for integer
  /// types). Every backend calls this one check, so they refuse the same
  /// inputs with the same words. `range` limits the check to those flat
  /// indices, which the error still counts from the tensor's start.
  public func checkValues(of tensor: Tensor, input: String, in range: Range<Int>? = nil) throws(IRError) {
    let range = range ?? 0..<tensor.count
    switch tensor.storage {
    case .float32(let v):
      for i in range where !dataType.allows(Double(v[i])) {
        throw .invalidInputValue(input: input, index: i, value: Double(v[i]), dataType: dataType)
      }
    case .int64(let v):
      guard dataType != .int(64) else { return }
      for i in range where !dataType.allows(Double(v[i])) {
        throw .invalidInputValue(input: input, index: i, value: Double(v[i]), dataType: dataType)
      }
    }
  }
}
