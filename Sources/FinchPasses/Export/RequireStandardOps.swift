import FinchIR

/// Refuses, naming the node, the ops that no standard ONNX op expresses exactly:
/// `Trunc`, `MultiThreshold`, `XnorPopcountMatMul` and hardware layers. The
/// first pass of the ``Pipeline/qdq`` and ``Pipeline/floatONNX`` exports; it
/// never changes the graph.
public struct RequireStandardOps: Pass {
  public let name = "require-standard-ops"
  /// The format being written, named in errors (`QDQ`, `float ONNX`).
  public let format: String
  public init(format: String) { self.format = format }

  public func run(on graph: inout Graph) throws(PassError) -> Bool {
    for node in graph.nodes {
      switch node.op {
      case .trunc, .multiThreshold, .xnorPopcountMatMul:
        throw .failed(
          pass: name, node: node.name,
          reason: "\(format) has no exact equivalent of QONNX/FINN \(node.op.typeName); export it with --format qonnx")
      default:
        if node.op.isHardwareLayer {
          throw .failed(
            pass: name, node: node.name,
            reason: "hardware layer \(node.op.typeName) has no standard ONNX equivalent; export the model before compiling it")
        }
      }
    }
    return false
  }
}
