import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR
import FinchReport
import Foundation

/// `finch explore`: evaluate many design points and find their Pareto fronts.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate models × boards × clocks × targets × architectures and find the Pareto fronts.",
    discussion: """
      Every combination of the MODELs (e.g. one network at W1A1, W2A2 and W4A4), --board, --clock, \
      --fps/--budget and --arch is a design point. Each is folded (dataflow) or scheduled on a sized \
      engine (offload) as `finch estimate` does, and gets frames/s, latency, LUT/FF/BRAM18/DSP, power \
      and frames/s per watt (Docs/power.md), and whether it fits the part. With --test-input and \
      --test-labels each model's accuracy comes from the CPU backend on that set: the same bits the \
      hardware computes. A point is on the Pareto front of a pair of objectives when it fits its part \
      and no other such point is at least as good on both and better on one. A dataflow point's FIFOs \
      are sized by the latency model's bound (never shallower than a build's; --minimal-fifos sizes \
      them by simulation as `finch build` does, so the figures match its estimate, at a simulation \
      per point).

      Every list option is repeatable and takes a comma list; --fps also takes a range A..B:N \
      (N targets spaced evenly on a log scale from A to B). Objectives: accuracy, fps, latency_us, \
      lut, ff, bram18, dsp, watts, fps_per_watt; --front FIRST:SECOND picks a front (default: \
      accuracy:lut, fps:lut, fps_per_watt:accuracy; without a test set fps:lut, fps_per_watt:lut). Progress and time left go to stderr. -o DIR \
      writes explore.json (as --json prints it), explore.csv (a front_* column per front) and \
      report.html: the Pareto charts and the points as a page (`finch report`). --synth also \
      synthesizes every point that fits with Yosys (--jobs at a time, each distinct design once, \
      cached in --synth-cache so a rerun synthesizes nothing it has seen) and reports the \
      synthesized LUT/FF/DSP/BRAM beside the estimate.

      Examples:
        finch explore tfc_w1a1.onnx tfc_w2a2.onnx --board pynq-z1,ultra96 --fps 1000..100000:5
        finch explore a.onnx b.onnx --test-input x.npy --test-labels y.npy --board pynq-z1 --budget 0.25,0.5,1 -o dse
        finch explore cnv.onnx --board pynq-z1 --fps 500 --arch dataflow,offload --front fps_per_watt:lut --json
        finch explore tfc_w1a1.onnx --board pynq-z1 --fps 10000,100000 --synth
      """)

  @Argument(help: "Models of one task (.onnx, Darknet .cfg beside its .weights, or `finch compile` folders).")
  var models: [String]

  @Option(help: "Test inputs (.npy) for each model's accuracy.")
  var testInput: String?

  @Option(help: "True labels (.npy, integers) of --test-input.")
  var testLabels: String?

  @Option(name: .customLong("board"), help: "Boards or parts (see `finch devices`).")
  var boards: [String] = []

  @Option(name: .customLong("fps"), help: "Target frames per second: values, or a range A..B:N.")
  var fps: [String] = []

  @Option(name: .customLong("budget"), help: "Fractions of the part's resources (0 < F <= 1).")
  var budgets: [String] = []

  @Option(name: .customLong("clock"), help: "Clocks in MHz (default: each board's).")
  var clocks: [String] = []

  @Option(name: .customLong("arch"), help: "Architectures: dataflow, offload, auto (default: dataflow).")
  var architectures: [String] = []

  @Option(name: .customLong("front"), help: "Objective pairs FIRST:SECOND whose Pareto fronts to find.")
  var fronts: [String] = []

  @Flag(help: "Size dataflow FIFOs minimal by simulation, as `finch build` does (slower), not by the latency model's bound.")
  var minimalFifos = false

  @Flag(help: "Also synthesize every point that fits with Yosys and report it beside the estimate.")
  var synth = false

  @Option(help: "Yosys runs at a time with --synth (default: one per core).")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Folder of cached --synth results, one file per design, part and Yosys version.")
  var synthCache: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/finch/explore-synth").path

  @Option(name: .shortAndLong, help: "Write explore.json, explore.csv and report.html into this new folder.")
  var output: String?

  @Flag(help: "Print the exploration as one JSON object: points, skipped, fronts.")
  var json = false

  /// The comma-separated items of repeated option values.
  static func items(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
  }

  /// `text` as a number in `range`, or a validation error naming `flag`.
  static func number(_ text: String, _ flag: String, _ range: ClosedRange<Double>) throws -> Double {
    guard let v = Double(text), range.contains(v) else {
      throw ValidationError("\(flag) '\(text)' must be a number in \(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// The frame rates `--fps` asks for: values and A..B:N ranges.
  func frameRates() throws -> [Double] {
    let range = TargetLimits.fps
    return try Self.items(fps).flatMap { item -> [Double] in
      guard let dots = item.range(of: "..") else { return [try Self.number(item, "--fps", range)] }
      let rest = item[dots.upperBound...].split(separator: ":", omittingEmptySubsequences: false)
      guard rest.count == 2, let n = Int(rest[1]), (2...1000).contains(n) else {
        throw ValidationError("--fps range '\(item)' must be A..B:N with 2 <= N <= 1000 points")
      }
      let (a, b) = (try Self.number(String(item[..<dots.lowerBound]), "--fps", range), try Self.number(String(rest[0]), "--fps", range))
      guard a < b else { throw ValidationError("--fps range '\(item)': A must be below B") }
      return (0..<n).map { a * pow(b / a, Double($0) / Double(n - 1)) }
    }
  }

  /// The targets: every --fps, then every --budget.
  func targets() throws -> [FoldingTarget] {
    try frameRates().map { .framesPerSecond($0) } + Self.items(budgets).map { .budget(try Self.number($0, "--budget", 1e-9...1)) }
  }

  func request() throws -> ExplorationRequest {
    let archs = try Self.items(architectures).map { name in
      guard let a = ArchitectureRequest(rawValue: name) else { throw ValidationError("--arch '\(name)' must be dataflow, offload or auto") }
      return a
    }
    let pairs = try Self.items(fronts).map { text in
      guard let pair = ObjectivePair(parsing: text) else {
        throw ValidationError(
          "--front '\(text)' must be FIRST:SECOND, two different objectives of: \(Objective.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return pair
    }
    if testInput == nil, let pair = pairs.first(where: { $0.first == .accuracy || $0.second == .accuracy }) {
      throw ValidationError("--front \(pair.first.rawValue):\(pair.second.rawValue) needs accuracy: give --test-input and --test-labels")
    }
    var request = ExplorationRequest(
      models: models, devices: Self.items(boards), clocks: try Self.items(clocks).map { try Self.number($0, "--clock", TargetLimits.clockMHz) },
      targets: try targets(), architectures: archs.isEmpty ? [.dataflow] : archs, testInput: testInput, testLabels: testLabels,
      fronts: pairs.isEmpty ? ObjectivePair.defaults(withAccuracy: testInput != nil) : pairs)
    if minimalFifos { request.fifoSizing = .minimal }
    if synth { request.synthesis = ExplorationSynthesis(cache: URL(fileURLWithPath: synthCache), jobs: jobs) }
    return request
  }

  func validate() throws {
    if Self.items(boards).isEmpty { throw ValidationError("give --board B (see `finch devices`)") }
    if try targets().isEmpty { throw ValidationError("give --fps N or --budget F (each may be a list)") }
    if (testInput == nil) != (testLabels == nil) { throw ValidationError("give --test-input and --test-labels together") }
    if !(1...Finch.maxThreads).contains(jobs) { throw ValidationError("--jobs must be in 1...\(Finch.maxThreads), not \(jobs)") }
    _ = try request()
  }

  func run() throws {
    try Finch.reportingErrors {
      let request = try request()
      let inputs = models.flatMap { ModelFile.files($0, weights: nil) } + [testInput, testLabels].compactMap { $0 }
      if let output { _ = try OutputFolder.check(output, inputs: inputs) }
      let exploration = try Exploration.explore(request) { done, total, line in Finch.progress("[\(done)/\(total)] \(line)") }
      if let output {
        try OutputFolder.write(to: output, command: "explore", version: Finch.version, inputs: inputs) { dir in
          try JSONReport.encode(exploration).write(to: dir.appendingPathComponent("explore.json"))
          try Data(exploration.csv().utf8).write(to: dir.appendingPathComponent("explore.csv"))
          try Data(ExplorationPage.html(exploration).utf8).write(to: dir.appendingPathComponent(FolderReport.fileName))
        }
      }
      if json { return try JSONReport.print(exploration) }
      print(TextReport.exploration(exploration))
      if let output { print("wrote \(output): explore.json, explore.csv, report.html") }
    }
  }
}
