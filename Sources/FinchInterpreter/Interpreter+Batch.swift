import Dispatch
import FinchIR
import Foundation

extension Interpreter {
  /// Runs a batch through a single-input graph: `batch` is either exactly the
  /// graph input's shape, or a stack of samples along a leading axis when the
  /// graph's input has batch size 1. Samples run in parallel; returns each
  /// graph output with the samples stacked along axis 0.
  public func runBatch(_ batch: Tensor) throws(InterpreterError) -> [String: Tensor] {
    guard graph.inputs.count == 1, let inputName = graph.inputs.first, let expected = graph.types[inputName] else {
      throw .invalidGraph(.invalidGraph("batched runs need a graph with exactly one input; this one has \(graph.inputs.count)"))
    }
    do { try expected.checkValues(of: batch, input: inputName) } catch { throw .invalidInput(error) }
    let samples = try Self.split(batch, into: expected, name: inputName)
    let results = ResultSlots(count: samples.count)
    DispatchQueue.concurrentPerform(iterations: samples.count) { i in
      results.set(i, Result { () throws(InterpreterError) in try run([inputName: samples[i]]) })
    }
    var perSample: [[String: Tensor]] = []
    for r in results.values {
      switch r {
      case .success(let v): perSample.append(v)
      case .failure(let e): throw e
      case nil: throw .invalidGraph(.invalidGraph("a sample was not run"))
      }
    }
    var stacked: [String: Tensor] = [:]
    for name in graph.outputs {
      stacked[name] = Self.stack(perSample.compactMap { $0[name] })
    }
    return stacked
  }

  /// Splits `batch` into tensors of the input's type.
  public static func split(_ batch: Tensor, into expected: ValueType, name: String) throws(InterpreterError) -> [Tensor] {
    let converted = expected.elementType == .float32 ? Tensor(shape: batch.shape, floats: batch.floats) : Tensor(shape: batch.shape, int64s: batch.int64s)
    if batch.shape == expected.shape { return [converted] }
    let sampleDims = Array(expected.shape.dims.dropFirst())
    guard expected.shape.rank >= 1, expected.shape[0] == 1, batch.shape.rank == expected.shape.rank,
      Array(batch.shape.dims.dropFirst()) == sampleDims
    else {
      throw .inputMismatch(
        input: name, expected: "\(expected.shape) or a batch [N,\(sampleDims.map(String.init).joined(separator: ","))]",
        got: "\(batch.shape)")
    }
    let n = batch.shape[0], size = sampleDims.reduce(1, *)
    return (0..<n).map { i in
      switch converted.storage {
      case .float32(let v): return Tensor(shape: expected.shape, floats: Array(v[(i * size)..<((i + 1) * size)]))
      case .int64(let v): return Tensor(shape: expected.shape, int64s: Array(v[(i * size)..<((i + 1) * size)]))
      }
    }
  }

  /// Stacks per-sample outputs along axis 0 (see ``stackedShape(of:samples:)``).
  public static func stack(_ parts: [Tensor]) -> Tensor {
    guard let first = parts.first else { return Tensor(shape: [0], floats: []) }
    let shape = stackedShape(of: first.shape, samples: parts.count)
    if first.elementType == .int64 { return Tensor(shape: shape, int64s: parts.flatMap(\.int64s)) }
    return Tensor(shape: shape, floats: parts.flatMap(\.floats))
  }

  /// The shape of `samples` outputs of shape `sample` stacked by ``runBatch(_:)``:
  /// concatenated along axis 0 when `sample` has a leading 1 (the model's batch
  /// axis), else along a new leading axis (an output without a batch axis, such as
  /// an ArgMax over axis 0). One sample is stacked too, so the shape does not depend
  /// on how the samples were fed. Every backend stacks its outputs this way.
  public static func stackedShape(of sample: Shape, samples: Int) -> Shape {
    Shape([samples] + (sample.rank >= 1 && sample[0] == 1 ? sample.dims.dropFirst() : sample.dims[...]))
  }
}

/// Per-sample results written from concurrent workers.
private final class ResultSlots: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var values: [Result<[String: Tensor], InterpreterError>?]

  init(count: Int) { values = Array(repeating: nil, count: count) }

  func set(_ i: Int, _ r: Result<[String: Tensor], InterpreterError>) {
    lock.lock()
    values[i] = r
    lock.unlock()
  }
}
