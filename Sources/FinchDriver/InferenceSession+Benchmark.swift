import Dispatch
import FinchCPU
import FinchIR
import FinchInterpreter
import FinchReport
import Foundation
import Synchronization

extension InferenceSession {
  /// Runs batches of `batch` random inputs (``randomBatch(samples:)``) back to
  /// back for `seconds` after a warm-up of a tenth of that, timing every batch;
  /// with `layers`, also times every step of the CPU plan. `started` is called
  /// once the inputs are made and timing begins.
  public func benchmark(batch: Int, seconds: Double, layers: Bool, started: () -> Void = {}) throws -> BenchmarkReport {
    let x = try randomBatch(samples: batch)
    started()
    let runBatch = try batchRunner(x)
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
    var report = BenchmarkReport(
      backend: backend.rawValue, isa: backend == .cpu ? CPUPlan.instructionSet : "scalar", batch: batch,
      threads: threads, framesPerSecond: fps, latencyMsP50: Self.percentile(latencies, 0.50),
      latencyMsP99: Self.percentile(latencies, 0.99), gops: fps * Double(operationsPerSample) / 1e9,
      batches: latencies.count, interpreterNodes: plan?.fallbackNodes.map(\.node) ?? [])
    if layers, let plan { report.layers = try Self.layerTimes(plan, samples: batch) }
    return report
  }

  /// One timed unit of work: the plan executes a loaded batch (no copies, no
  /// allocation); the interpreter runs the samples split over the threads.
  func batchRunner(_ x: Tensor) throws -> () throws -> Void {
    if let plan {
      let n = x.shape[0]
      try plan.load(x, samples: 0..<n)
      return { try plan.execute(samples: n) }
    }
    let graph = graph, threads = threads
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
  static func layerTimes(_ plan: CPUPlan, samples: Int) throws -> [BenchmarkReport.LayerTime] {
    var runs: [[(node: String, kernel: String, seconds: Double)]] = []
    let until = DispatchTime.now().uptimeNanoseconds + 500_000_000
    repeat { runs.append(try plan.profile(samples: samples)) } while runs.count < 5 || (DispatchTime.now().uptimeNanoseconds < until && runs.count < 1000)
    let medians = runs[0].indices.map { i in
      (runs[0][i].node, runs[0][i].kernel, runs.map { $0[i].seconds }.sorted()[runs.count / 2])
    }
    let total = medians.reduce(0) { $0 + $1.2 }
    return medians.sorted(by: { $0.2 > $1.2 }).map { node, kernel, t in
      BenchmarkReport.LayerTime(node: node, kernel: kernel, milliseconds: t * 1e3, share: t / max(total, 1e-12))
    }
  }

  static func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]) / 1e6
  }
}
