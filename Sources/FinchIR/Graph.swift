/// One computation: a typed op applied to named values.
public struct Node: Hashable, Sendable {
  /// Unique node name (used in errors and reports).
  public var name: String
  /// What the node computes.
  public var op: Op
  /// Input value names in the op's positional order; `""` marks an omitted optional input.
  public var inputs: [String]
  /// Output value names.
  public var outputs: [String]
  /// Documentation carried from the model file to exports (ONNX `doc_string`).
  public var docString: String

  public init(name: String, op: Op, inputs: [String], outputs: [String], docString: String = "") {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.outputs = outputs
    self.docString = docString
  }
}

/// What is known about a value: its dimensions, container and number format.
public struct ValueType: Hashable, Sendable, CustomStringConvertible {
  public var shape: Shape
  public var elementType: ElementType
  /// The FINN datatype of the values (``DataType/float32`` when unconstrained).
  public var dataType: DataType

  public init(shape: Shape, elementType: ElementType = .float32, dataType: DataType = .float32) {
    self.shape = shape
    self.elementType = elementType
    self.dataType = dataType
  }

  /// `INT4[1,64]`: the datatype and the shape. The container is the one the
  /// datatype implies (int64 for `INT64`, float32 for every other datatype)
  /// unless it is named after a slash: `INT8/int64[3]`, `INT64/float32[2]`.
  public var description: String {
    let implied: ElementType = dataType == .int(64) ? .int64 : .float32
    return elementType == implied ? "\(dataType)\(shape)" : "\(dataType)/\(elementType.rawValue)\(shape)"
  }
}

/// A dataflow graph: nodes in topological order over named values.
///
/// A value is a graph input, an initializer (a constant tensor) or the output of
/// exactly one node. `types` holds the inferred type of every value once
/// ``inferTypes()`` has run.
public struct Graph: Equatable, Sendable {
  public var name: String
  /// Names of the values fed at run time, in order.
  public var inputs: [String]
  /// Names of the values returned, in order.
  public var outputs: [String]
  /// Nodes, each after the nodes its inputs come from.
  public var nodes: [Node]
  /// Constant tensors by name.
  public var initializers: [String: Tensor]
  /// Types of values; graph inputs must have one before inference.
  public var types: [String: ValueType]
  /// The model's documentation and metadata, carried from the model file to
  /// exports (ONNX `doc_string` and `metadata_props`).
  public var docString = ""
  public var metadata: [String: String] = [:]

  public init(name: String, inputs: [String], outputs: [String], nodes: [Node], initializers: [String: Tensor], types: [String: ValueType]) {
    self.name = name
    self.inputs = inputs
    self.outputs = outputs
    self.nodes = nodes
    self.initializers = initializers
    self.types = types
  }

  /// The node that produces `value`, if any.
  public func producer(of value: String) -> Node? {
    nodes.first { $0.outputs.contains(value) }
  }

  /// The nodes that read `value`, in graph order.
  public func consumers(of value: String) -> [Node] {
    nodes.filter { $0.inputs.contains(value) }
  }

  /// The type of `value`: inferred, or read off its initializer.
  public func type(of value: String) -> ValueType? {
    if let t = types[value] { return t }
    return initializers[value].map { ValueType(of: $0) }
  }
}
