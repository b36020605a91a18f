// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "Finch",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "finch", targets: ["finch"]),
    .library(name: "FinchIR", targets: ["FinchIR"]),
    .library(name: "FinchONNX", targets: ["FinchONNX"]),
    .library(name: "FinchInterpreter", targets: ["FinchInterpreter"]),
    .library(name: "FinchPasses", targets: ["FinchPasses"]),
    .library(name: "FinchCost", targets: ["FinchCost"]),
    .library(name: "FinchReport", targets: ["FinchReport"]),
    .library(name: "FinchRTL", targets: ["FinchRTL"]),
    .library(name: "FinchCPU", targets: ["FinchCPU"]),
    .library(name: "FinchDriver", targets: ["FinchDriver"]),
    .library(name: "FinchOffload", targets: ["FinchOffload"]),
    .library(name: "FinchDarknet", targets: ["FinchDarknet"]),
    // Seeded model generators and fixtures (the benchmarks build the full-size CNV with them).
    .library(name: "FinchTestSupport", targets: ["FinchTestSupport"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
  ],
  targets: [
    .target(name: "FinchIR"),
    .target(name: "FinchInterpreter", dependencies: ["FinchIR"]),
    .target(name: "FinchPasses", dependencies: ["FinchIR", "FinchInterpreter"]),
    .target(name: "FinchCost", dependencies: ["FinchIR", "FinchInterpreter"], resources: [.copy("Resources/devices.json"), .copy("Resources/resource-model.json"), .copy("Resources/power-model.json")]),
    .target(name: "FinchReport", dependencies: ["FinchIR", "FinchCost", "FinchRTL", "FinchOffload"]),
    .target(name: "FinchCPU", dependencies: ["FinchIR", "FinchInterpreter", "CFinchCPUID", "CFinchCPUKernels"]),
    .target(name: "CFinchCPUID"),
    // The SIMD kernels, in C: each function carries its instruction set as a
    // target attribute (no compiler flags, so Finch builds as a dependency);
    // FinchCPU calls one only after CPUFeatures has found that ISA at run time.
    // Off x86_64 the target is empty and only the portable kernels exist.
    .target(name: "CFinchCPUKernels"),
    .target(name: "FinchOffload", dependencies: ["FinchIR", "FinchCost", "FinchInterpreter", "FinchCPU"]),
    .target(name: "FinchRTL", dependencies: ["FinchIR", "FinchCost", "FinchInterpreter", "FinchOffload"], resources: [.copy("Resources/verilog")]),
    // PNG and JPEG decoding through Debian's libpng and libjpeg-turbo (scripts/setup.sh installs them).
    .target(name: "CFinchImage", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),
    // The Darknet frontend: .cfg and .weights to a Finch graph.
    .target(name: "FinchDarknet", dependencies: ["FinchIR"]),
    .target(
      name: "FinchONNX",
      dependencies: [
        "FinchIR", "FinchInterpreter",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["Schema"]
    ),
    // The driver: one compile path, build folders and their tools, inference
    // sessions; what the CLI's commands call, and a library users can call.
    .target(
      name: "FinchDriver",
      dependencies: [
        "FinchIR", "FinchONNX", "FinchDarknet", "FinchInterpreter", "FinchPasses", "FinchCost", "FinchReport", "FinchRTL", "FinchCPU", "FinchOffload",
        "CFinchImage",
      ]
    ),
    .executableTarget(
      name: "finch",
      dependencies: [
        "FinchIR", "FinchONNX", "FinchInterpreter", "FinchPasses", "FinchCost", "FinchReport", "FinchRTL", "FinchCPU", "FinchDriver", "FinchOffload",
        "FinchDarknet", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Fuzzing: the parsers as libFuzzer targets in one executable, and the
    // structure-aware ONNX mutator the property tests share (scripts/fuzz.sh
    // builds FinchFuzz with -sanitize=fuzzer; a plain build replays inputs).
    .target(
      name: "FinchFuzzSupport",
      dependencies: ["FinchIR", "FinchONNX", "FinchDarknet", "FinchCost", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
    ),
    .executableTarget(name: "FinchFuzz", dependencies: ["FinchFuzzSupport"]),
    .target(
      name: "FinchTestSupport",
      dependencies: ["FinchIR", "FinchONNX", "FinchInterpreter", "FinchPasses", "FinchCost", "FinchRTL"],
      path: "Sources/FinchTestSupport"
    ),
    .testTarget(name: "FinchIRTests", dependencies: ["FinchIR", "FinchTestSupport"]),
    .testTarget(name: "FinchDarknetTests", dependencies: ["FinchDarknet", "FinchIR", "FinchInterpreter", "FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(
      name: "FinchONNXTests",
      dependencies: ["FinchONNX", "FinchPasses", "FinchTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
    ),
    .testTarget(name: "FinchInterpreterTests", dependencies: ["FinchInterpreter", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchPassesTests", dependencies: ["FinchPasses", "FinchCost", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchCostTests", dependencies: ["FinchCost", "FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchReportTests", dependencies: ["FinchReport", "FinchCost", "FinchTestSupport"]),
    .testTarget(name: "FinchRTLTests", dependencies: ["FinchRTL", "FinchOffload", "FinchPasses", "FinchInterpreter", "FinchTestSupport"]),
    .testTarget(name: "FinchCPUTests", dependencies: ["FinchCPU", "FinchIR", "FinchInterpreter", "FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchOffloadTests", dependencies: ["FinchOffload", "FinchCost", "FinchInterpreter", "FinchPasses", "FinchDarknet", "FinchTestSupport"]),
    .testTarget(name: "FinchDriverTests", dependencies: ["FinchDriver", "FinchCost", "FinchRTL", "FinchOffload", "FinchTestSupport"]),
    .testTarget(
      name: "FinchCLITests",
      dependencies: ["finch", "FinchCPU", "FinchCost", "FinchONNX", "FinchOffload", "FinchDarknet", "FinchDriver", "FinchTestSupport", "FinchFuzzSupport"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
