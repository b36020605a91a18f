import FinchIR
import FinchInterpreter

/// Any other node, one sample at a time through the interpreter's kernel.
/// Correct for every op the interpreter knows, but it allocates tensors on
/// every call; `CPUPlan.fallbackNodes` lists the nodes that take this path.
final class InterpreterStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "interpreter"
  let itemsPerSample = 1
  let costPerItem: Int
  private let op: Op
  /// Each input: a constant, a buffer, or omitted.
  private let inputs: [Operand]
  private let outputs: [(buffer: ValueBuffer, elementType: ElementType)?]

  enum Operand {
    case constant(Tensor)
    case value(ValueBuffer, ElementType)
    case omitted
  }

  init(node: Node, inputs: [Operand], outputs: [(buffer: ValueBuffer, elementType: ElementType)?]) {
    self.node = node.name
    op = node.op
    self.inputs = inputs
    self.outputs = outputs
    costPerItem = outputs.compactMap { $0?.buffer.sampleCount }.reduce(0, +) * 16
  }

  /// Items are samples.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) throws(CPUPlanError) {
    for sample in items {
      let args: [Tensor?] = inputs.map {
        switch $0 {
        case .constant(let t): return t
        case .value(let b, let type): return b.tensor(samples: sample..<(sample + 1), elementType: type, stacked: false)
        case .omitted: return nil
        }
      }
      let results: [Tensor]
      do { results = try Semantics.evaluate(op, args) } catch { throw .nodeFailed(node: node, reason: error.reason) }
      for (result, out) in zip(results, outputs) {
        out?.buffer.load(result, samples: 0..<1, at: sample)
      }
    }
  }
}
