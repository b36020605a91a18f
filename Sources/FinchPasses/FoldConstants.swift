import FinchIR
import FinchInterpreter

/// Evaluates nodes whose inputs are all constant (quantizers excepted: their
/// folding is ``FoldWeightQuantizers``'s job) and keeps the results as
/// constants with their inferred datatypes.
public struct FoldConstants: Pass {
  public let name = "fold-constants"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where !node.op.isQuantizer && !node.inputs.isEmpty {
      let args = node.inputs.map { $0.isEmpty ? nil : graph.initializers[$0] }
      guard zip(node.inputs, args).allSatisfy({ $0.0.isEmpty || $0.1 != nil }) else { continue }
      let values: [Tensor]
      do { values = try Semantics.evaluate(node.op, args) } catch { throw .failed(pass: name, node: node.name, reason: error.reason) }
      graph.nodes.removeAll { $0.name == node.name }
      for (out, value) in zip(node.outputs, values) where !out.isEmpty {
        graph.addConstant(out, value, dataType: graph.types[out]?.dataType)
      }
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
