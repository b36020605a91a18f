import FinchIR
import FinchInterpreter

/// Replaces each `Quant`/`BipolarQuant` on constant weights by the float
/// constant it computes (datatype `FLOAT32`: plain float ONNX carries no
/// QONNX datatypes).
public struct FoldQuantizedWeights: Pass {
  public let name = "fold-quantized-weights"
  public init() {}

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    var changed = false
    for node in graph.nodes where node.isWeightQuantizer(in: graph) {
      let y: Tensor
      do { y = try Semantics.evaluate(node.op, node.inputs.map { graph.initializers[$0] })[0] } catch {
        throw .failed(pass: name, node: node.name, reason: error.reason)
      }
      graph.nodes.removeAll { $0.name == node.name }
      graph.addConstant(node.outputs[0], y)
      changed = true
    }
    if changed { try graph.refreshTypes(after: name) }
    return changed
  }
}
