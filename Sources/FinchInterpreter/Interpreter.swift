import FinchIR

/// The reference executor: runs a graph node by node with the obviously-right
/// op definitions of ``Semantics``, which follow ONNX and QONNX exactly. Every backend is checked against it.
///
/// Arithmetic is IEEE single precision like the reference (NumPy/ONNX Runtime)
/// except that dot products (MatMul, Gemm, Conv) accumulate in double precision
/// and round once: exact for every integer-valued QNN layer whose sums fit in
/// 2^53, and at least as accurate as a float32 accumulation otherwise.
public struct Interpreter: Sendable {
  /// The graph being run.
  public let graph: Graph

  /// Prepares to run `graph`, which must be verified and typed.
  public init(graph: Graph) {
    self.graph = graph
  }

  /// Runs the graph and returns its outputs by name.
  public func run(_ feed: [String: Tensor]) throws(InterpreterError) -> [String: Tensor] {
    let values = try runAll(feed)
    var result: [String: Tensor] = [:]
    for name in graph.outputs { result[name] = values[name] }
    return result
  }

  /// Runs the graph and returns every value it computed (inputs, constants,
  /// intermediates and outputs) by name.
  public func runAll(_ feed: [String: Tensor]) throws(InterpreterError) -> [String: Tensor] {
    var values = graph.initializers
    for name in graph.inputs {
      guard let t = feed[name] else { throw .missingInput(name) }
      if let expected = graph.types[name] {
        guard expected.shape == t.shape, expected.elementType == t.elementType else {
          throw .inputMismatch(
            input: name, expected: "\(expected.elementType.rawValue) \(expected.shape)",
            got: "\(t.elementType.rawValue) \(t.shape)")
        }
        do { try expected.checkValues(of: t, input: name) } catch { throw .invalidInput(error) }
      }
      values[name] = t
    }
    for node in graph.nodes {
      var args: [Tensor?] = []
      for name in node.inputs {
        if name.isEmpty {
          args.append(nil)
        } else if let v = values[name] {
          args.append(v)
        } else {
          throw .invalidGraph(.undefinedValue(node: node.name, value: name))
        }
      }
      let outputs: [Tensor]
      do {
        outputs = try Semantics.evaluate(node.op, args)
      } catch {
        throw .nodeFailed(node: node.name, op: node.op.typeName, reason: error.reason)
      }
      for (name, t) in zip(node.outputs, outputs) where !name.isEmpty { values[name] = t }
    }
    return values
  }
}

/// Why an op cannot be evaluated on its inputs; the interpreter adds the node's name.
public struct EvaluationError: Error, Sendable {
  /// What is wrong, in words.
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
}
