import FinchIR

/// `Add`, `Sub`, `Mul` or `Div` of a value and a one-element constant, in
/// float32 exactly as the interpreter computes it (operand order kept).
final class ScalarArithmeticStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "scalar arithmetic"
  let itemsPerSample: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let op: BinaryOp
  private let constant: Float
  private let constantFirst: Bool

  /// Returns nil unless `op` is one of the four and exactly one operand is a one-element constant.
  init?(node: String, op: BinaryOp, input: ValueBuffer, constant: Float, constantFirst: Bool, output: ValueBuffer) {
    guard op != .pow, input.sampleCount == output.sampleCount else { return nil }
    self.node = node
    self.op = op
    self.input = input
    self.output = output
    self.constant = constant
    self.constantFirst = constantFirst
    itemsPerSample = output.sampleCount
  }

  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let k = constant
    for i in items {
      let x = input.float(at: i)
      let (a, b) = constantFirst ? (k, x) : (x, k)
      let y: Float
      switch op {
      case .add: y = a + b
      case .sub: y = a - b
      case .mul: y = a * b
      case .div, .pow: y = a / b
      }
      output.set(y, at: i)
    }
  }
}
