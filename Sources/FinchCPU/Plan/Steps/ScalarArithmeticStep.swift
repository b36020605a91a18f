import FinchIR

/// A chain of `Add`, `Sub`, `Mul` and `Div` nodes, each of a value and a
/// one-element constant, in float32 exactly as the interpreter computes them
/// (operand order kept, one rounding per op); the chain's intermediate values
/// stay in registers.
final class ScalarArithmeticStep: PlanStep, @unchecked Sendable {
  /// One op of the chain: `x op k`, or `k op x` when `constantFirst`.
  struct Operation {
    var op: BinaryOp
    var constant: Float
    var constantFirst: Bool
  }

  private(set) var node: String
  let kernel = "scalar arithmetic"
  let itemsPerSample: Int
  private let input: ValueBuffer
  private(set) var output: ValueBuffer
  private var operations: [Operation]

  /// Returns nil for `Pow` or when the output is not elementwise the same size as the input.
  init?(node: String, _ operation: Operation, input: ValueBuffer, output: ValueBuffer) {
    guard operation.op != .pow, input.sampleCount == output.sampleCount else { return nil }
    self.node = node
    self.input = input
    self.output = output
    operations = [operation]
    itemsPerSample = output.sampleCount
  }

  /// Appends node `node`, which reads this step's output, to the chain; false when it cannot be.
  func append(node: String, _ operation: Operation, output: ValueBuffer) -> Bool {
    guard operation.op != .pow, output.sampleCount == self.output.sampleCount else { return false }
    self.node += "+" + node
    self.output = output
    operations.append(operation)
    return true
  }

  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    operations.withUnsafeBufferPointer { ops in
      for i in items {
        var x = input.float(at: i)
        for o in ops {
          let (a, b) = o.constantFirst ? (o.constant, x) : (x, o.constant)
          switch o.op {
          case .add: x = a + b
          case .sub: x = a - b
          case .mul: x = a * b
          case .div, .pow: x = a / b
          }
        }
        output.set(x, at: i)
      }
    }
  }
}
