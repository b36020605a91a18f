// End-to-end CPU inference: the compiled plan of each fixture executing a
// loaded batch (one iteration = one batch; frames/s = throughput x batch).
// The malloc count is the steady-state check: it must be 0, because the plan
// allocates everything when it is built.
import Benchmark
import FinchCPU
import FinchIR
import FinchONNX

func planBenchmarks() {
  for name in ["tfc_w1a1", "tfc_w2a2", "cnv_w1a1_small"] {
    for (batch, threads) in [(1, 1), (64, 1), (64, 2)] {
      Benchmark(
        "plan \(name) batch \(batch) threads \(threads)",
        configuration: .init(
          metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 3,
          maxDuration: .seconds(2), maxIterations: 100_000)
      ) { (benchmark: Benchmark, plan: CPUPlan) in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try plan.execute(samples: batch) }
        benchmark.stopMeasurement()
      } setup: {
        let plan = try CPUPlan(graph: try compile(fixture("\(name).onnx")), maxBatch: batch, threads: threads)
        let inputs = try NPY.read(path: fixture("\(name).in.npy"))
        try plan.load(inputs, samples: 0..<batch)
        return plan
      }
    }
  }
}
