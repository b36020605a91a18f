// Finch's benchmarks: import, compile and interpret the bundled fixtures.
// Run with `scripts/bench.sh` (see Benchmarks/README.md); never time unit tests.
import Benchmark
import FinchIR
import FinchInterpreter
import FinchONNX
import FinchPasses
import Foundation

/// The root package's Tests/Fixtures, found from this file's location
/// (Benchmarks/Benchmarks/FinchBenchmarks/FinchBenchmarks.swift).
let fixtures: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent()  // FinchBenchmarks
  .deletingLastPathComponent()  // Benchmarks (targets)
  .deletingLastPathComponent()  // Benchmarks (package)
  .deletingLastPathComponent()  // repository root
  .appendingPathComponent("Tests/Fixtures")

func fixture(_ name: String) -> String {
  fixtures.appendingPathComponent(name).path
}

/// Import + the whole compile pipeline, as `finch compile` does it.
func compile(_ path: String) throws -> Graph {
  var graph = try ONNXImporter.load(path: path)
  try Pipeline.compile.run(on: &graph)
  return graph
}

/// The first sample of `batch`, shaped as the graph's (batch-1) input.
func firstSample(of batch: Tensor, for graph: Graph) throws -> [String: Tensor] {
  guard let input = graph.inputs.first, let type = graph.types[input] else {
    throw BenchmarkSetupError("the graph has no typed input")
  }
  let count = type.shape.elementCount
  let values = batch.floats
  guard values.count >= count else { throw BenchmarkSetupError("input batch has \(values.count) values, need \(count)") }
  return [input: Tensor(shape: type.shape, floats: Array(values[0..<count]))]
}

struct BenchmarkSetupError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Every benchmark here takes about a millisecond to a few tens of milliseconds
/// per iteration: each stops at `maxIterations` or after `seconds`, whichever
/// comes first, which keeps the whole suite well under a minute. Wall clock is
/// the metric to compare; CPU time is left out (Linux reports it in 10 ms ticks).
func configuration(maxIterations: Int, seconds: Int = 3) -> Benchmark.Configuration {
  .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
    timeUnits: .microseconds,
    warmupIterations: 1,
    maxDuration: .seconds(seconds),
    maxIterations: maxIterations
  )
}

let benchmarks: @Sendable () -> Void = {
  let cnv = fixture("cnv_w1a1_small.onnx")
  let tfc = fixture("tfc_w2a2.onnx")
  kernelBenchmarks()
  planBenchmarks()
  glueBenchmarks()

  Benchmark("import cnv_w1a1_small", configuration: configuration(maxIterations: 200, seconds: 2)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try ONNXImporter.load(path: cnv))
    }
  }

  // Issue #3: a release `finch compile` of cnv_w1a1_small must take well under a second.
  Benchmark("compile cnv_w1a1_small", configuration: configuration(maxIterations: 20)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try compile(cnv))
    }
  }

  Benchmark("compile tfc_w2a2", configuration: configuration(maxIterations: 20)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try compile(tfc))
    }
  }

  Benchmark("interpreter cnv_w1a1_small 1 sample", configuration: configuration(maxIterations: 50)) {
    (benchmark: Benchmark, state: (Interpreter, [String: Tensor])) in
    let (interpreter, feed) = state
    for _ in benchmark.scaledIterations {
      blackHole(try interpreter.run(feed))
    }
  } setup: { () throws -> (Interpreter, [String: Tensor]) in
    let graph = try ONNXImporter.load(path: cnv)
    let batch = try NPY.read(path: fixture("cnv_w1a1_small.in.npy"))
    return (Interpreter(graph: graph), try firstSample(of: batch, for: graph))
  }
}
