// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "Finch",
  platforms: [.macOS(.v13)],
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
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
  ],
  targets: [
    .target(name: "FinchIR"),
    .target(name: "FinchInterpreter", dependencies: ["FinchIR"]),
    .target(name: "FinchPasses", dependencies: ["FinchIR", "FinchInterpreter"]),
    .target(name: "FinchCost", dependencies: ["FinchIR"], resources: [.copy("Resources/devices.json")]),
    .target(name: "FinchReport", dependencies: ["FinchIR", "FinchCost"]),
    .target(name: "FinchCPU", dependencies: ["FinchIR", "FinchInterpreter"]),
    .target(name: "FinchRTL", dependencies: ["FinchIR", "FinchCost", "FinchInterpreter"], resources: [.copy("Resources/verilog")]),
    .target(
      name: "FinchONNX",
      dependencies: [
        "FinchIR", "FinchInterpreter",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["Schema"]
    ),
    .executableTarget(
      name: "finch",
      dependencies: [
        "FinchIR", "FinchONNX", "FinchInterpreter", "FinchPasses", "FinchCost", "FinchReport", "FinchRTL", "FinchCPU",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "FinchTestSupport",
      dependencies: ["FinchIR", "FinchONNX", "FinchInterpreter", "FinchPasses", "FinchCost", "FinchRTL"],
      path: "Sources/FinchTestSupport"
    ),
    .testTarget(name: "FinchIRTests", dependencies: ["FinchIR", "FinchTestSupport"]),
    .testTarget(
      name: "FinchONNXTests",
      dependencies: ["FinchONNX", "FinchTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
    ),
    .testTarget(name: "FinchInterpreterTests", dependencies: ["FinchInterpreter", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchPassesTests", dependencies: ["FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchCostTests", dependencies: ["FinchCost", "FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchReportTests", dependencies: ["FinchReport", "FinchCost", "FinchTestSupport"]),
    .testTarget(name: "FinchRTLTests", dependencies: ["FinchRTL", "FinchPasses", "FinchInterpreter", "FinchTestSupport"]),
    .testTarget(name: "FinchCPUTests", dependencies: ["FinchCPU", "FinchInterpreter", "FinchPasses", "FinchONNX", "FinchTestSupport"]),
    .testTarget(name: "FinchCLITests", dependencies: ["finch", "FinchTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
