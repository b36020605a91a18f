import FinchIR
import Dispatch
import Foundation
import Synchronization

/// A graph compiled once for fast CPU inference: weights packed for the
/// kernels, a buffer for every value sized for `maxBatch` samples, and one
/// step per node. Running a batch allocates nothing (unless some node had to
/// fall back to the interpreter: see ``fallbackNodes``).
///
/// Give it the compiled graph (`Pipeline.compile`), whose MVAU, SWU,
/// thresholding, max-pool and label-select nodes have fast kernels; any graph
/// runs, with other nodes evaluated by the interpreter's kernels. Outputs are
/// bit-identical to the interpreter's. A plan runs one batch at a time: calls
/// to ``execute(samples:)`` must not overlap.
public final class CPUPlan: @unchecked Sendable {
  /// The most samples one ``execute(samples:)`` call runs.
  public let maxBatch: Int
  /// Worker threads.
  public let threads: Int
  /// Operations per sample: 2 per multiply-accumulate of the graph's matrix layers.
  public let operationsPerSample: Int
  /// Each step's node and the kernel it runs, in order.
  public let kernels: [(node: String, kernel: String)]
  /// The instruction set the GEMM kernels use on this CPU.
  public static var instructionSet: String { KernelISA.active.rawValue }
  /// The nodes that run through the interpreter, and why.
  public let fallbackNodes: [(node: String, reason: String)]

  /// The graph's inputs, each with its type and buffer.
  private let inputs: [(name: String, type: ValueType, buffer: ValueBuffer)]
  private let outputs: [(name: String, buffer: ValueBuffer, elementType: ElementType)]
  private let steps: [any PlanStep]
  private let scratch: [UnsafeMutableRawPointer]
  private let pool: WorkerPool
  /// Samples a worker takes through the network together (see ``chunkBytes``).
  private let samplesPerChunk: Int
  /// The most memory a plan's buffers may take.
  public static let maxActivationBytes = Double(4 << 30)
  /// The activation bytes a worker keeps in flight: about half a core's L2 cache.
  private static let chunkBytes = 512 * 1024
  /// The pool's job for this plan, reused by every call (a dispatch allocates nothing).
  private let job = ExecutionJob()
  private let firstError = Mutex<CPUPlanError?>(nil)

  /// Compiles `graph` (verified and typed, with at least one input) for batches of up to
  /// `maxBatch` samples on `threads` threads.
  public init(graph: Graph, maxBatch: Int = 64, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(CPUPlanError) {
    let typed = graph.inputs.compactMap { name in graph.types[name].map { (name, $0) } }
    guard !graph.inputs.isEmpty, typed.count == graph.inputs.count else {
      throw .unsupportedGraph("it needs inputs with known types; this graph has \(graph.inputs.count) inputs, \(typed.count) typed")
    }
    self.maxBatch = max(1, maxBatch)
    self.threads = max(1, threads)
    // Refuse before allocating: at most 4 bytes a value of the input and every computed value, for every sample
    // (each at most Shape.maxElementCount, so the sum cannot overflow).
    let bytesPerSample = (graph.inputs + graph.nodes.flatMap(\.outputs)).reduce(0) { $0 + 4 * (graph.types[$1]?.shape.elementCount ?? 0) }
    guard Double(bytesPerSample) * Double(self.maxBatch) <= Self.maxActivationBytes else {
      throw .unsupportedGraph(
        "a batch of \(self.maxBatch) needs about \((bytesPerSample * self.maxBatch) >> 20) MiB of activations "
          + "(limit \(Int(Self.maxActivationBytes) >> 20) MiB); use a smaller batch")
    }
    var builder = PlanBuilder(graph: graph, capacity: self.maxBatch)
    inputs = typed.map { name, type in (name, type, builder.buffer(for: name, type: type)) }
    try builder.addSteps()
    var outputs: [(String, ValueBuffer, ElementType)] = []
    for name in graph.outputs {
      guard let buffer = builder.buffers[name], let type = graph.type(of: name) else {
        throw .unsupportedGraph("output \(name) is not computed by any node")
      }
      outputs.append((name, buffer, type.elementType))
    }
    self.outputs = outputs
    steps = builder.steps
    operationsPerSample = 2 * graph.summary.totalMACs
    samplesPerChunk = max(1, Self.chunkBytes / max(1, builder.bytesPerSample))
    kernels = builder.steps.map { ($0.node, $0.kernel) }
    fallbackNodes = builder.fallbacks
    let scratchBytes = (builder.steps.map(\.scratchBytes).max() ?? 0) + 64
    scratch = (0..<self.threads).map { _ in UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64) }
    pool = WorkerPool(threads: self.threads)
    job.plan = self
  }

  deinit { scratch.forEach { $0.deallocate() } }

  /// Runs a batch of a one-input graph: `batch` is either exactly the graph
  /// input's shape or, when that has a leading 1, a stack of samples `[N, ...]`.
  /// Returns each output with the samples stacked as ``Interpreter/runBatch(_:)`` stacks them.
  public func run(_ batch: Tensor) throws(CPUPlanError) -> [String: Tensor] {
    try run(try feed(batch))
  }

  /// Runs a batch given every graph input by name, each as ``run(_:)-(Tensor)``
  /// takes it, all with the same number of samples.
  public func run(_ feed: [String: Tensor]) throws(CPUPlanError) -> [String: Tensor] {
    let count = try samples(in: feed)
    var parts: [String: [Tensor]] = [:]
    var start = 0
    while start < count {
      let n = min(maxBatch, count - start)
      try load(feed, samples: start..<(start + n))
      try execute(samples: n)
      for (name, t) in outputs(samples: n) { parts[name, default: []].append(t) }
      start += n
    }
    return parts.mapValues(Self.concatenate)
  }

  /// Copies samples `range` of `batch` into the input buffer of a one-input
  /// graph (samples 0 ..< range.count), checking that they hold values of the
  /// input's datatype as the interpreter checks them.
  public func load(_ batch: Tensor, samples range: Range<Int>) throws(CPUPlanError) {
    try load(try feed(batch), samples: range)
  }

  /// Copies samples `range` of every input of `feed` into its buffer, as ``load(_:samples:)-(Tensor,_)``.
  public func load(_ feed: [String: Tensor], samples range: Range<Int>) throws(CPUPlanError) {
    precondition(range.count <= maxBatch, "at most maxBatch samples at once")
    _ = try samples(in: feed)
    for (name, type, buffer) in inputs {
      guard let batch = feed[name] else { continue }  // samples(in:) refused a feed without it
      let size = buffer.sampleCount
      do {
        try type.checkValues(of: batch, input: name, in: (range.lowerBound * size)..<(range.upperBound * size))
      } catch { throw .badInput(error.description) }
      buffer.load(batch, samples: range, at: 0)
    }
  }

  /// Runs the loaded samples `0 ..< n` through every step.
  public func execute(samples n: Int) throws(CPUPlanError) {
    precondition(n <= maxBatch, "at most maxBatch samples at once")
    job.samples = n
    if n >= threads {
      // Each worker takes a contiguous share of the batch through the whole network.
      job.step = nil
      pool.forEach(threads, job)
    } else {
      for step in steps {
        let items = n * step.itemsPerSample
        // Split a layer across workers only when it is big enough to pay for the hand-off.
        job.step = step
        job.parts = items * step.costPerItem >= 1 << 18 ? min(threads, items) : 1
        if job.parts == 1 {
          runPart(0, of: 1, step: step, samples: n)
        } else {
          pool.forEach(job.parts, job)
        }
      }
    }
    job.step = nil
    if let error = firstError.withLock({ e in defer { e = nil }; return e }) { throw error }
  }

  /// Share `w` of `threads` of the batch through every step, on scratch `w`.
  /// The share goes through in chunks of ``samplesPerChunk``, so that one
  /// chunk's activations stay in the core's cache from layer to layer.
  fileprivate func runShare(_ w: Int, samples n: Int) {
    let share = (n * w / threads)..<(n * (w + 1) / threads)
    for first in stride(from: share.lowerBound, to: share.upperBound, by: samplesPerChunk) {
      let chunk = first..<min(first + samplesPerChunk, share.upperBound)
      for step in steps {
        let ips = step.itemsPerSample
        guard record(step, items: (chunk.lowerBound * ips)..<(chunk.upperBound * ips), scratch: scratch[w]) else { return }
      }
    }
  }

  /// Part `w` of `parts` of one step's items, on scratch `w`.
  fileprivate func runPart(_ w: Int, of parts: Int, step: any PlanStep, samples n: Int) {
    let items = n * step.itemsPerSample
    _ = record(step, items: (items * w / parts)..<(items * (w + 1) / parts), scratch: scratch[w])
  }

  /// Runs the loaded samples `0 ..< n` like ``execute(samples:)`` but one step
  /// at a time on one thread, timing each: seconds per step, in step order.
  public func profile(samples n: Int) throws(CPUPlanError) -> [(node: String, kernel: String, seconds: Double)] {
    precondition(n <= maxBatch, "at most maxBatch samples at once")
    var times: [(node: String, kernel: String, seconds: Double)] = []
    for step in steps {
      let start = DispatchTime.now().uptimeNanoseconds
      try step.run(items: 0..<(n * step.itemsPerSample), scratch: scratch[0])
      times.append((step.node, step.kernel, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    }
    return times
  }

  /// The outputs of samples `0 ..< n` of the last ``execute(samples:)``, stacked as
  /// ``Interpreter/runBatch(_:)`` stacks them; unstacked, one sample's outputs have
  /// the graph's output shapes.
  public func outputs(samples n: Int, stacked: Bool = true) -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, buffer, elementType) in outputs {
      result[name] = buffer.tensor(samples: 0..<n, elementType: elementType, stacked: stacked)
    }
    return result
  }

  /// Runs `step` on `items`, keeping its error (the first one wins); false when it failed.
  private func record(_ step: any PlanStep, items: Range<Int>, scratch: UnsafeMutableRawPointer) -> Bool {
    do {
      try step.run(items: items, scratch: scratch)
      return true
    } catch {
      firstError.withLock { if $0 == nil { $0 = error } }
      return false
    }
  }

  /// A one-input graph's feed of `batch`.
  private func feed(_ batch: Tensor) throws(CPUPlanError) -> [String: Tensor] {
    guard inputs.count == 1 else {
      throw .badInput("this graph has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))): give each by name")
    }
    return [inputs[0].name: batch]
  }

  /// How many samples the feed holds: every input present, each its shape or a batch of it, all the same count.
  private func samples(in feed: [String: Tensor]) throws(CPUPlanError) -> Int {
    if let extra = feed.keys.sorted().first(where: { name in !inputs.contains { $0.name == name } }) {
      throw .badInput("\(extra) is not an input of this graph (its inputs: \(inputs.map(\.name).joined(separator: ", ")))")
    }
    var count: Int?
    for (name, type, _) in inputs {
      guard let batch = feed[name] else { throw .badInput("input \(name) is missing") }
      let expected = type.shape
      let n: Int
      if batch.shape == expected {
        n = 1
      } else {
        guard expected.rank >= 1, expected[0] == 1, batch.shape.rank == expected.rank,
          Array(batch.shape.dims.dropFirst()) == Array(expected.dims.dropFirst())
        else {
          throw .badInput("input \(name) must be \(expected) or a batch [N,\(expected.dims.dropFirst().map(String.init).joined(separator: ","))], got \(batch.shape)")
        }
        n = batch.shape[0]
      }
      guard count == nil || count == n else { throw .badInput("input \(name) holds \(n) samples; the inputs before it hold \(count!)") }
      count = n
    }
    return count ?? 0
  }

  private static func concatenate(_ parts: [Tensor]) -> Tensor {
    guard parts.count > 1, let first = parts.first else { return parts.first ?? Tensor(shape: [0], floats: []) }
    let dims = [parts.reduce(0) { $0 + $1.shape[0] }] + first.shape.dims.dropFirst()
    if first.elementType == .int64 { return Tensor(shape: Shape(dims), int64s: parts.flatMap(\.int64s)) }
    return Tensor(shape: Shape(dims), floats: parts.flatMap(\.floats))
  }
}

/// What the worker pool runs for ``CPUPlan/execute(samples:)``: shares of the
/// batch through the whole network, or parts of one step.
private final class ExecutionJob: PoolJob, @unchecked Sendable {
  unowned(unsafe) var plan: CPUPlan?
  var samples = 0
  /// The step being split, or nil to run shares of the batch.
  var step: (any PlanStep)?
  var parts = 1

  func run(_ index: Int) {
    guard let plan else { return }
    if let step {
      plan.runPart(index, of: parts, step: step, samples: samples)
    } else {
      plan.runShare(index, samples: samples)
    }
  }
}
