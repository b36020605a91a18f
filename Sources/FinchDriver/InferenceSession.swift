import Dispatch
import FinchCPU
import FinchIR
import FinchONNX
import FinchInterpreter
import FinchPasses
import Foundation

/// Where a model runs.
public enum InferenceBackend: String, CaseIterable, Sendable {
  /// The compiled plan with bit-packed and integer GEMM kernels.
  case cpu
  /// The reference interpreter on the imported graph.
  case interpreter
}

/// A model prepared for one backend: what `finch run` and `finch bench` use,
/// and the entry point for running Finch as a library.
public struct InferenceSession: Sendable {
  public let backend: InferenceBackend
  public let threads: Int
  /// The graph that runs: compiled for the CPU backend, as imported for the interpreter.
  public let graph: Graph
  /// The CPU plan (nil for the interpreter).
  public let plan: CPUPlan?
  /// Why the CPU backend runs the imported graph node by node (compilation failed), if it does.
  public let warning: String?
  /// Operations per sample: 2 per multiply-accumulate of the network's matrix layers.
  public var operationsPerSample: Int { 2 * graph.summary.totalMACs }

  /// Imports `model` and prepares it. The CPU backend compiles it (``Compilation``);
  /// where compilation fails it plans the imported graph (every node then runs
  /// through the interpreter's kernels) and says so in ``warning``. The
  /// interpreter runs the imported graph.
  public init(model: String, weights: String? = nil, backend: InferenceBackend, threads: Int, maxBatch: Int) throws {
    try self.init(imported: try ModelFile.load(model, weights: weights), model: model, backend: backend, threads: threads, maxBatch: maxBatch)
  }

  /// Prepares `imported`, the graph of the file `model` (named in messages), as ``init(model:weights:backend:threads:maxBatch:)`` does.
  public init(imported: Graph, model: String, backend: InferenceBackend, threads: Int, maxBatch: Int) throws {
    self.backend = backend
    self.threads = threads
    switch backend {
    case .cpu:
      var compiled = imported
      do {
        compiled = try Compilation(graph: imported, model: model, recordingStages: false).graph
        warning = nil
      } catch {
        warning = "\(model): not compiled (\(error)); the CPU backend runs the imported graph node by node"
      }
      plan = try CPUPlan(graph: compiled, maxBatch: maxBatch, threads: threads)
      graph = compiled
    case .interpreter:
      plan = nil
      graph = imported
      warning = nil
    }
  }

  /// Runs a batch (`[N, ...]` or one sample) and returns the first output.
  public func run(_ batch: Tensor) throws -> Tensor {
    guard graph.outputs.first != nil else { throw CPUPlanError.unsupportedGraph("the graph has no output") }
    return try runOutputs(batch)[0]
  }

  /// Runs a batch and returns every output of the graph, in its order.
  public func runOutputs(_ batch: Tensor) throws -> [Tensor] {
    let outputs = try plan?.run(batch) ?? Interpreter(graph: graph).runBatch(batch)
    return try graph.outputs.map { name in
      guard let y = outputs[name] else { throw CPUPlanError.unsupportedGraph("output \(name) was not computed") }
      return y
    }
  }

  /// Random inputs for `samples` samples: integers spread over the input's type, or floats in [-1, 1].
  public func randomBatch(samples: Int) throws -> Tensor {
    guard let name = graph.inputs.first, let type = graph.types[name] else {
      throw CPUPlanError.unsupportedGraph("the model needs one typed input")
    }
    let dims = type.shape.rank >= 1 && type.shape[0] == 1 ? [samples] + type.shape.dims.dropFirst() : type.shape.dims
    // Each dimension is within the import's element limit and samples within --batch's: the product stays far inside Int.
    let count = dims.reduce(1, *)
    guard Double(count) * 4 <= CPUPlan.maxActivationBytes else {
      throw CPUPlanError.unsupportedGraph(
        "a batch of \(samples) inputs of \(type) is \((count * 4) >> 20) MiB, over the \(Int(CPUPlan.maxActivationBytes) >> 20) MiB limit; use a smaller batch")
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let dt = type.dataType
    let values: [Float] = (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let unit = Double(state >> 11) * 0x1p-53
      if dt == .bipolar { return unit < 0.5 ? -1 : 1 }
      if dt.isInteger { return Float((dt.min + (unit * (dt.max - dt.min + 1)).rounded(.down)).clamped(dt.min, dt.max)) }
      return Float(2 * unit - 1)
    }
    return type.elementType == .int64
      ? Tensor(shape: Shape(dims), int64s: values.map { Int64($0) }) : Tensor(shape: Shape(dims), floats: values)
  }
}

extension Double {
  fileprivate func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}
