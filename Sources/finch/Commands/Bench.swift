import ArgumentParser
import Dispatch
import FinchCPU
import FinchIR
import FinchReport
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
    /// With `--layers`: every step of the CPU plan, slowest first.
    var layers: [LayerTime]?

    enum CodingKeys: String, CodingKey {
      case backend, isa, batch, threads, batches, layers
      case framesPerSecond = "frames_per_second", latencyMsP50 = "latency_ms_p50", latencyMsP99 = "latency_ms_p99"
      case gops, interpreterNodes = "interpreter_nodes"
    }
  }

  /// One step of the CPU plan: its median time per batch and share of the total.
  struct LayerTime: Encodable {
    var node: String
    var kernel: String
    var milliseconds: Double
    var share: Double
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
      var result = Result(
        backend: backend.rawValue, isa: backend == .cpu ? CPUPlan.instructionSet : "scalar", batch: batch,
        threads: threads, framesPerSecond: fps, latencyMsP50: Self.percentile(latencies, 0.50),
        latencyMsP99: Self.percentile(latencies, 0.99), gops: fps * Double(session.operationsPerSample) / 1e9,
        batches: latencies.count, interpreterNodes: session.plan?.fallbackNodes.map(\.node) ?? [], layers: nil)
      if layers, let plan = session.plan { result.layers = try Self.layerTimes(plan, samples: batch) }
      if json {
        try JSONReport.print(result)
      } else {
        print(Self.text(result))
      }
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
  static func layerTimes(_ plan: CPUPlan, samples: Int) throws -> [LayerTime] {
    var runs: [[(node: String, kernel: String, seconds: Double)]] = []
    let until = DispatchTime.now().uptimeNanoseconds + 500_000_000
    repeat { runs.append(try plan.profile(samples: samples)) } while runs.count < 5 || (DispatchTime.now().uptimeNanoseconds < until && runs.count < 1000)
    let medians = runs[0].indices.map { i in
      (runs[0][i].node, runs[0][i].kernel, runs.map { $0[i].seconds }.sorted()[runs.count / 2])
    }
    let total = medians.reduce(0) { $0 + $1.2 }
    return medians.sorted(by: { $0.2 > $1.2 }).map { node, kernel, t in
      LayerTime(node: node, kernel: kernel, milliseconds: t * 1e3, share: t / max(total, 1e-12))
    }
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
    if let layers = r.layers {
      lines.append("layer                         kernel               time/batch    share")
      for l in layers {
        lines.append(
          l.node.padding(toLength: 30, withPad: " ", startingAt: 0) + l.kernel.padding(toLength: 21, withPad: " ", startingAt: 0)
            + String(format: "%9.3f ms  %5.1f%%", l.milliseconds, 100 * l.share))
      }
    }
    return lines.joined(separator: "\n")
  }
}
