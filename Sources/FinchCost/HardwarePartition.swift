import FinchIR

/// Splits a compiled graph into the accelerator's layers and the host-side work
/// before and after them (DESIGN.md §1: the host prologue and epilogue).
public struct HardwarePartition: Sendable {
  /// A node that runs on the host, with the reason it is not in hardware.
  public struct HostNode: Sendable, Codable, Equatable {
    public var name: String
    public var op: String
    public var reason: String
  }

  /// Host nodes before the first hardware layer.
  public var prologue: [HostNode] = []
  /// Hardware layers in stream order.
  public var layers: [Node] = []
  /// Host nodes after the last hardware layer.
  public var epilogue: [HostNode] = []
  /// Nodes between hardware layers that no hardware layer implements.
  public var unlowered: [HostNode] = []

  /// Partitions `graph` (nodes in topological order).
  public init(_ graph: Graph) {
    let hardware = graph.nodes.indices.filter { graph.nodes[$0].op.isHardwareLayer }
    guard let first = hardware.first, let last = hardware.last else {
      unlowered = graph.nodes.map { host($0, graph, "no hardware layer implements it") }
      return
    }
    for (i, node) in graph.nodes.enumerated() {
      if node.op.isHardwareLayer {
        layers.append(node)
      } else if Self.isLayout(node.op) {
        if i < first { prologue.append(host(node, graph, "layout only")) }
        if i > last { epilogue.append(host(node, graph, "layout only")) }
      } else if (i < first || i > last) && Self.isElementwise(node.op) {
        if i < first { prologue.append(host(node, graph, "elementwise float arithmetic on the input")) }
        if i > last { epilogue.append(host(node, graph, "elementwise float arithmetic on the accelerator's outputs")) }
      } else if i > last && Self.isSelection(node.op) {
        epilogue.append(host(node, graph, "selects and joins the accelerator's outputs (a detector's decoding)"))
      } else {
        unlowered.append(host(node, graph, reason(node, graph)))
      }
    }
  }

  /// Per-element host work cheap enough to leave around the accelerator
  /// (input scaling and quantization, output dequantization and selection).
  static func isElementwise(_ op: Op) -> Bool {
    switch op {
    case .binary, .unary, .clip, .leakyRelu, .batchNormalization, .quant, .bipolarQuant, .trunc, .multiThreshold, .quantizeLinear,
      .dequantizeLinear, .softmax, .argMax, .topK, .cast:
      return true
    default:
      return false
    }
  }

  /// Ops that pick and join values without arithmetic (a YOLO head's split
  /// into coordinates, objectness and classes).
  static func isSelection(_ op: Op) -> Bool {
    switch op {
    case .gather, .concat: return true
    default: return false
    }
  }

  /// Ops that only relabel a stream's shape and cost nothing in hardware or on the host.
  static func isLayout(_ op: Op) -> Bool {
    switch op {
    case .reshape, .flatten, .identity, .squeeze, .unsqueeze, .transpose: return true
    default: return false
    }
  }

  private func host(_ node: Node, _ graph: Graph, _ reason: String) -> HostNode {
    HostNode(name: node.name, op: node.op.typeName, reason: reason)
  }

  private func reason(_ node: Node, _ graph: Graph) -> String {
    if let input = graph.inputs.first(where: { graph.types[$0]?.dataType == .float32 }) {
      return "computes on float values (graph input '\(input)' is FLOAT32: declare its datatype, e.g. --input-type UINT8)"
    }
    if let float = node.inputs.first(where: { graph.initializers[$0] == nil && graph.type(of: $0)?.dataType == .float32 }) {
      return "computes on float values ('\(float)' is FLOAT32; an integer input datatype or a quantizer before it is needed)"
    }
    return "no hardware layer implements \(node.op.typeName) here"
  }
}
