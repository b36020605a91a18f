// GEMM kernel benchmarks: every shape on every kernel ISA this CPU runs
// (`scripts/bench.sh --filter 'kernel.*'`). Weights are packed into panels once
// in setup, as a compiled plan does; each iteration is one whole GEMM. Besides
// wall clock each records Gop/s, counting 2 ops per MAC: one binary bit-MAC is
// one XNOR-popcount position (so binary Gop/s = 2 · m · n · k / seconds), one
// integer MAC is one int16 × int16 product added into Int32.
import Benchmark
import Dispatch
import FinchCPU

/// Gop/s of one iteration (2 ops per MAC); larger is better.
let gigaOpsPerSecond = BenchmarkMetric.custom("Gop/s", polarity: .prefersLarger, useScalingFactor: false)

func kernelConfiguration() -> Benchmark.Configuration {
  .init(
    metrics: [.wallClock, .throughput, gigaOpsPerSecond],
    timeUnits: .microseconds,
    warmupIterations: 2,
    maxDuration: .seconds(2),
    maxIterations: 200
  )
}

/// Registers the kernel benchmarks for every ISA the CPU supports.
func kernelBenchmarks() {
  for isa in KernelISA.allCases where CPUFeatures.host.supports(isa) {
    binaryBenchmark("1024x1024x1024", m: 1024, k: 1024, n: 1024, isa: isa, threads: 1)
    binaryBenchmark("1024x1024x1024", m: 1024, k: 1024, n: 1024, isa: isa, threads: 2)
    // Network-shaped: conv layers as im2col GEMMs (m = pixels · batch 64) and an FC layer.
    binaryBenchmark("m=784*64 k=144 n=16", m: 784 * 64, k: 144, n: 16, isa: isa, threads: 1)
    binaryBenchmark("m=64 k=784 n=64", m: 64, k: 784, n: 64, isa: isa, threads: 1)
    binaryBenchmark("m=100*64 k=288 n=32", m: 100 * 64, k: 288, n: 32, isa: isa, threads: 1)
    integerBenchmark("512x512x512", m: 512, k: 512, n: 512, isa: isa)
    integerBenchmark("m=64 k=784 n=64", m: 64, k: 784, n: 64, isa: isa)
  }
}

/// Packed binary operands for an m × k by (n × k)ᵀ GEMM.
struct BinaryOperands: @unchecked Sendable {
  let a: [UInt64]
  let weights: BinaryWeightPanels
  var c: [Int32]
}

func binaryBenchmark(_ shape: String, m: Int, k: Int, n: Int, isa: KernelISA, threads: Int) {
  let name = "kernel binary \(shape) \(isa) \(threads == 1 ? "1 thread" : "\(threads) threads")"
  let ops = 2 * Double(m) * Double(n) * Double(k)
  Benchmark(name, configuration: kernelConfiguration()) { (benchmark: Benchmark, operands: BinaryOperands) in
    var operands = operands
    let words = BinaryGEMM.wordsPerRow(bits: k)
    // Rows of a split into `threads` contiguous slices, multiples of 4.
    let slice = ((m + threads - 1) / threads + 3) / 4 * 4
    for _ in benchmark.scaledIterations {
      let start = DispatchTime.now()
      operands.a.withUnsafeBufferPointer { a in
        operands.c.withUnsafeMutableBufferPointer { c in
          let slices = Slices(a: a.baseAddress!, c: c.baseAddress!, weights: operands.weights)
          let run = { @Sendable (t: Int) in
            let first = t * slice, rows = min(slice, m - first)
            guard rows > 0 else { return }
            BinaryGEMM.matches(
              a: slices.a + first * words, rows: rows, weights: slices.weights, c: slices.c + first * n, ldc: n, isa: isa)
          }
          if threads == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: run) }
        }
      }
      record(ops: ops, since: start, in: benchmark)
    }
    blackHole(operands.c)
  } setup: {
    var rng = LCG()
    let words = BinaryGEMM.wordsPerRow(bits: k)
    let a = (0..<(m * words)).map { _ in rng.next() }
    let b = (0..<(n * words)).map { _ in rng.next() }
    let padding = UInt64.max << UInt64(k % 64)  // bits past k must be zero
    let clear = { (rows: [UInt64]) in
      k % 64 == 0 ? rows : rows.enumerated().map { $0.offset % words == words - 1 ? $0.element & ~padding : $0.element }
    }
    let weights = clear(b).withUnsafeBufferPointer { BinaryWeightPanels($0.baseAddress!, rows: n, bits: k) }
    return BinaryOperands(a: clear(a), weights: weights, c: [Int32](repeating: 0, count: m * n))
  }
}

/// The operands the threads share; each writes its own rows of `c`.
struct Slices: @unchecked Sendable {
  let a: UnsafePointer<UInt64>
  let c: UnsafeMutablePointer<Int32>
  let weights: BinaryWeightPanels
}

/// Int16 operands (values in -8...7, 4-bit) for an m × k by (n × k)ᵀ GEMM.
struct IntegerOperands: @unchecked Sendable {
  let a: [Int16]
  let weights: IntegerWeightPanels
  var c: [Int32]
}

func integerBenchmark(_ shape: String, m: Int, k: Int, n: Int, isa: KernelISA) {
  let ops = 2 * Double(m) * Double(n) * Double(k)
  Benchmark("kernel integer \(shape) \(isa) 1 thread", configuration: kernelConfiguration()) {
    (benchmark: Benchmark, operands: IntegerOperands) in
    var operands = operands
    for _ in benchmark.scaledIterations {
      let start = DispatchTime.now()
      IntegerGEMM.multiply(a: operands.a, rows: m, lda: k, weights: operands.weights, c: &operands.c, ldc: n, isa: isa)
      record(ops: ops, since: start, in: benchmark)
    }
    blackHole(operands.c)
  } setup: {
    var rng = LCG()
    let a = (0..<(m * k)).map { _ in Int16(truncatingIfNeeded: rng.next() % 16) - 8 }
    let b = (0..<(n * k)).map { _ in Int16(truncatingIfNeeded: rng.next() % 16) - 8 }
    let weights = b.withUnsafeBufferPointer { IntegerWeightPanels($0.baseAddress!, rows: n, ldb: k, depth: k) }
    return IntegerOperands(a: a, weights: weights, c: [Int32](repeating: 0, count: m * n))
  }
}

/// Records the Gop/s of one iteration that began at `start`.
func record(ops: Double, since start: DispatchTime, in benchmark: Benchmark) {
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  benchmark.measurement(gigaOpsPerSecond, Int((ops / seconds / 1e9).rounded()))
}

/// A fixed-seed generator, so every run times the same operands.
struct LCG {
  var state: UInt64 = 1
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state ^ (state >> 29)
  }
}
