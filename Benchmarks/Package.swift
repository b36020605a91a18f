// swift-tools-version: 6.1
// Finch's benchmarks, kept in their own package so that the benchmark
// framework and its malloc interposer never become dependencies of Finch
// itself. Run them with `scripts/bench.sh` from the repository root.
import PackageDescription

let package = Package(
  name: "FinchBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "Finch", path: ".."),
    // Only the MallocInterposer trait: malloc counts without jemalloc, and
    // without the Linux/Swift 6.3 runtime interposer (RuntimeInterposer), which
    // is not mirrored here.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "FinchBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "FinchCPU", package: "Finch"),
        .product(name: "FinchIR", package: "Finch"),
        .product(name: "FinchONNX", package: "Finch"),
        .product(name: "FinchInterpreter", package: "Finch"),
        .product(name: "FinchPasses", package: "Finch"),
        .product(name: "FinchCost", package: "Finch"),
        .product(name: "FinchTestSupport", package: "Finch"),
      ],
      path: "Benchmarks/FinchBenchmarks",
      plugins: [
        .plugin(name: "BenchmarkPlugin", package: "benchmark")
      ]
    )
  ]
)
