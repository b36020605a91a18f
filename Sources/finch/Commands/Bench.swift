import ArgumentParser
import Dispatch
import FinchCPU
import FinchIR
import FinchInterpreter
import Foundation
import Synchronization

/// `finch bench`: measures inference speed on a backend.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure a model's inference speed: frames/s, latency percentiles and GOPS.",
    discussion: """
      Runs batches of random inputs (integers over the input's type) back to back for \
      --seconds after a short warm-up, timing every batch. Latency is per batch. GOPS counts \
      2 operations per multiply-accumulate of the compiled network's matrix layers. \
      Compare backends and thread counts on a quiet machine.
      """)

  @Argument(help: "The model (.onnx).")
  var model: String

  @Option(help: "Where to run: \(InferenceBackend.allCases.map(\.rawValue).joined(separator: " or ")).")
  var backend: InferenceBackend = .cpu

  @Option(help: "Samples per batch.")
  var batch = 1

  @Option(help: "Worker threads, at most four per core (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "How long to measure, in seconds.")
  var seconds = 3.0

  @Flag(help: "Also time every layer of the CPU plan (one thread, the same batch) and print the slowest first.")
  var layers = false

  @Flag(help: "Print {backend, batch, threads, frames_per_second, latency_ms_p50, latency_ms_p99, gops} as JSON.")
  var json = false

  func validate() throws {
    guard batch >= 1, batch <= 1 << 16 else { throw ValidationError("--batch must be in 1...65536") }
    try Finch.validateThreads(threads)
    guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
  }

  /// What `--json` prints.
  struct Result: Encodable {
    var backend: String
    var isa: String
    var batch: Int
    var threads: Int
    var framesPerSecond: Double
    var latencyMsP50: Double
    var latencyMsP99: Double
    var gops: Double
    var batches: Int
    var interpreterNodes: [String]

    enum CodingKeys: String, CodingKey {
      case backend, isa, batch, threads, batches
      case framesPerSecond = "frames_per_second", latencyMsP50 = "latency_ms_p50", latencyMsP99 = "latency_ms_p99"
      case gops, interpreterNodes = "interpreter_nodes"
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      let session = try InferenceSession(model: model, backend: backend, threads: threads, maxBatch: batch)
      let x = try session.randomBatch(samples: batch)
      let runBatch = try Self.batchRunner(session, x)
      if !json { FileHandle.standardError.write(Data("bench: \(model) on \(backend.rawValue), batch \(batch), \(threads) threads, \(seconds) s\n".utf8)) }
      // Warm up caches and threads for a tenth of the time (at least one batch).
      let warmUntil = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e8)
      repeat { try runBatch() } while DispatchTime.now().uptimeNanoseconds < warmUntil
      var latencies: [UInt64] = []
      latencies.reserveCapacity(1 << 16)
      let start = DispatchTime.now().uptimeNanoseconds, end = start + UInt64(seconds * 1e9)
      var now = start
      repeat {
        let t0 = now
        try runBatch()
        now = DispatchTime.now().uptimeNanoseconds
        latencies.append(now - t0)
      } while now < end
      latencies.sort()
      let elapsed = Double(now - start) / 1e9
      let fps = Double(latencies.count * batch) / elapsed
      let result = Result(
        backend: backend.rawValue, isa: backend == .cpu ? CPUPlan.instructionSet : "scalar", batch: batch,
        threads: threads, framesPerSecond: fps, latencyMsP50: Self.percentile(latencies, 0.50),
        latencyMsP99: Self.percentile(latencies, 0.99), gops: fps * Double(session.operationsPerSample) / 1e9,
        batches: latencies.count, interpreterNodes: session.plan?.fallbackNodes.map(\.node) ?? [])
      if json {
        try JSONOutput.print(result)
      } else {
        print(Self.text(result))
      }
      if layers, let plan = session.plan { print(try Self.layerTable(plan, samples: batch)) }
    }
  }

  /// One timed unit of work: the plan executes a loaded batch (no copies, no
  /// allocation); the interpreter runs the samples split over the threads.
  static func batchRunner(_ session: InferenceSession, _ x: Tensor) throws -> () throws -> Void {
    if let plan = session.plan {
      let n = x.shape[0]
      try plan.load(x, samples: 0..<n)
      return { try plan.execute(samples: n) }
    }
    let graph = session.graph, threads = session.threads
    guard let name = graph.inputs.first, let type = graph.types[name] else { throw CPUPlanError.unsupportedGraph("no typed input") }
    let samples = try Interpreter.split(x, into: type, name: name)
    let interpreter = Interpreter(graph: graph)
    return {
      let failed = Mutex(false)
      DispatchQueue.concurrentPerform(iterations: threads) { w in
        for i in stride(from: w, to: samples.count, by: threads) {
          do { _ = try interpreter.run([name: samples[i]]) } catch { failed.withLock { $0 = true } }
        }
      }
      if failed.withLock({ $0 }) { throw CPUPlanError.nodeFailed(node: "?", reason: "the interpreter failed on the random inputs") }
    }
  }

  /// Per-layer times, the median of several profiled runs, slowest first.
  static func layerTable(_ plan: CPUPlan, samples: Int) throws -> String {
    var runs: [[(node: String, kernel: String, seconds: Double)]] = []
    let until = DispatchTime.now().uptimeNanoseconds + 500_000_000
    repeat { runs.append(try plan.profile(samples: samples)) } while runs.count < 5 || (DispatchTime.now().uptimeNanoseconds < until && runs.count < 1000)
    let medians = runs[0].indices.map { i in
      (runs[0][i].node, runs[0][i].kernel, runs.map { $0[i].seconds }.sorted()[runs.count / 2])
    }
    let total = medians.reduce(0) { $0 + $1.2 }
    var lines = ["layer                         kernel               time/batch    share"]
    for (node, kernel, t) in medians.sorted(by: { $0.2 > $1.2 }) {
      lines.append(
        node.padding(toLength: 30, withPad: " ", startingAt: 0) + kernel.padding(toLength: 21, withPad: " ", startingAt: 0)
          + String(format: "%9.3f ms  %5.1f%%", t * 1e3, 100 * t / max(total, 1e-12)))
    }
    return lines.joined(separator: "\n")
  }

  static func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]) / 1e6
  }

  static func text(_ r: Result) -> String {
    var lines = [
      "backend     \(r.backend)\(r.backend == "cpu" ? " (\(r.isa) kernels)" : ""), batch \(r.batch), \(r.threads) thread\(r.threads == 1 ? "" : "s")",
      "frames/s    \(String(format: "%.0f", r.framesPerSecond))",
      "latency     p50 \(String(format: "%.3f", r.latencyMsP50)) ms, p99 \(String(format: "%.3f", r.latencyMsP99)) ms per batch (\(r.batches) batches)",
      "GOPS        \(String(format: "%.2f", r.gops))",
    ]
    if !r.interpreterNodes.isEmpty { lines.append("interpreter \(r.interpreterNodes.joined(separator: ", ")) (no fast kernel)") }
    return lines.joined(separator: "\n")
  }
}
