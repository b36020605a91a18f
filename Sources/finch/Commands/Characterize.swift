import ArgumentParser
import FinchCost
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch characterize`: the resource model's data — synthesize each RTL module over a grid, check, fit.
struct Characterize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Synthesize Finch's RTL modules over a designed grid and fit the resource model to the results.",
    discussion: """
      The resource model (finch estimate, the folding solver) is fitted to Yosys synthesis of each module \
      standalone, over a grid of its parameters (Docs/cost-model.md). `sweep` synthesizes the grid for one \
      device family, `check` re-synthesizes a few points of a committed dataset and fails if Yosys disagrees, \
      `fit` fits the model's coefficients and reports the error on held-out points.

      Examples:
        finch characterize sweep --part xc7z020 -o Data/characterization/xc7.json
        finch characterize check Data/characterization/xc7.json --sample 4
        finch characterize fit Data/characterization/*.json -o Sources/FinchCost/Resources/resource-model.json
      """,
    subcommands: [Sweep.self, Check.self, Fit.self])

  /// Options shared by the subcommands that synthesize.
  struct SynthesisOptions: ParsableArguments {
    @Option(help: "Parallel Yosys runs (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Folder of cached results, one file per point, family and Yosys version.")
    var cache: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/finch/characterize").path

    func validate() throws {
      guard (1...Finch.maxThreads).contains(jobs) else { throw ValidationError("--jobs must be in 1...\(Finch.maxThreads), not \(jobs)") }
    }

    /// Synthesizes `points` for `part`, printing progress with the time left.
    func sweep(_ points: [CharacterizationPoint], part: Part) throws -> CharacterizationDataset {
      Finch.progress("characterize: \(points.count) points for \(part.name) (\(part.family.rawValue)), \(jobs) at a time; cache \(cache)")
      let every = max(1, points.count / 50)
      return try Characterizer.sweep(points, part: part, jobs: jobs, cache: URL(fileURLWithPath: cache)) { done, total, left in
        if done % every == 0 || done == total {
          Finch.progress(String(format: "characterize: %d/%d points, about %.0f s left", done, total, left))
        }
      }
    }
  }

  /// `finch characterize sweep`.
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Synthesize the characterization grid for one part's family and write the dataset.",
      discussion: """
        Every point of the grid (MVAU, thresholding, SWU, max-pool, label select, FIFO, width converter; \
        see --help of `finch characterize`) is synthesized standalone with the family's Yosys script; \
        results are cached, so a rerun synthesizes only new points. The dataset has one row per point.
        """)

    @Option(help: "Part or board whose device family to characterize.")
    var part = "xc7z020"

    @Option(name: [.short, .customLong("output")], help: "Dataset file to write (JSON).")
    var output: String

    @Option(
      help: ArgumentHelp(
        "Only the first N points of each module's grid, or of one module's with MODULE=N (repeatable).",
        discussion: "--limit 40 --limit mvau=100: 100 MVAU points, 40 of every other module.", valueName: "N|MODULE=N"))
    var limit: [String] = []

    @Option(help: "Only this module's points (repeatable): \(CharacterizationPoint.Module.allCases.map(\.rawValue).joined(separator: ", ")).")
    var module: [String] = []

    @OptionGroup var synthesis: SynthesisOptions

    func validate() throws { _ = try moduleLimits() }

    /// The `--limit` values: points per module unless a module has its own.
    func moduleLimits() throws -> (every: Int, modules: [CharacterizationPoint.Module: Int]) {
      var (every, modules) = (Int.max, [CharacterizationPoint.Module: Int]())
      for text in limit {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let n = Int(parts[parts.count - 1]), n > 0 else {
          throw ValidationError("--limit '\(text)': expected a positive N or MODULE=N")
        }
        guard parts.count == 2 else {
          every = n
          continue
        }
        guard let m = CharacterizationPoint.Module(rawValue: parts[0]) else { throw ValidationError("--limit '\(text)': unknown module '\(parts[0])'") }
        modules[m] = n
      }
      return (every, modules)
    }

    func run() throws {
      try Finch.reportingErrors {
        let device = try DeviceCatalogue.bundled().device(named: part)
        try OutputFile.check(output, what: "dataset")
        var points = CharacterizationGrid.points()
        if !module.isEmpty {
          let modules = try module.map { name in
            guard let m = CharacterizationPoint.Module(rawValue: name) else { throw ValidationError("--module: unknown module '\(name)'") }
            return m
          }
          points = points.filter { modules.contains($0.module) }
        }
        if !limit.isEmpty {
          let (every, limits) = try moduleLimits()
          points = CharacterizationPoint.Module.allCases.flatMap { m in points.filter { $0.module == m }.prefix(limits[m] ?? every) }
        }
        let dataset = try synthesis.sweep(points, part: device.part)
        for failure in dataset.failed { Finch.progress("characterize: \(failure.point) does not synthesize: \(failure.reason)") }
        try OutputFile.write(dataset.encoded(), to: output, what: "dataset")
        Finch.progress("characterize: wrote \(dataset.rows.count) rows (\(dataset.failed.count) points failed) to \(output)")
      }
    }
  }

  /// `finch characterize check`.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-synthesize a random sample of a dataset's points and fail if the installed Yosys disagrees.")

    @Argument(help: "A dataset written by `finch characterize sweep`.")
    var dataset: String

    @Option(help: "How many points to re-synthesize.")
    var sample = 4

    @Option(help: "Seed of the sample (default: random; printed).")
    var seed: UInt64?

    @OptionGroup var synthesis: SynthesisOptions

    func run() throws {
      try Finch.reportingErrors {
        let data = try CharacterizationDataset.read(URL(fileURLWithPath: dataset))
        guard !data.rows.isEmpty else { throw ValidationError("\(dataset) has no rows to check") }
        guard (1...data.rows.count).contains(sample) else { throw ValidationError("--sample must be in 1...\(data.rows.count)") }
        let seed = seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var rng = SplitMix64(seed: seed)
        var rows = data.rows
        var chosen: [CharacterizationDataset.Row] = []
        while chosen.count < sample { chosen.append(rows.remove(at: rng.int(0...(rows.count - 1)))) }
        let points = try chosen.map { row in
          guard let p = CharacterizationPoint(key: row.point) else { throw ValidationError("\(dataset): row '\(row.point)' names no point") }
          return p
        }
        let part = try DeviceCatalogue.bundled().device(named: data.part).part
        // A check always synthesizes: its cache is a fresh folder.
        var options = synthesis
        options.cache = FileManager.default.temporaryDirectory.appendingPathComponent("finch-check-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: options.cache) }
        let fresh = try options.sweep(points, part: part)
        var differing = 0
        let now = Dictionary(fresh.rows.map { ($0.point, $0) }, uniquingKeysWith: { a, _ in a })
        for old in chosen where now[old.point] != old {
          differing += 1
          let reason = fresh.failed.first { $0.point == old.point }?.reason ?? ""
          print("differs: \(old.point)\n  dataset: \(old.resources)\n  now:     \(now[old.point].map { "\($0.resources)" } ?? "fails: \(reason)")")
        }
        print("checked \(sample) points of \(dataset) (seed \(seed)) with \(fresh.tool): \(differing == 0 ? "all agree" : "\(differing) differ")")
        if differing > 0 { throw ExitCode.failure }
      }
    }
  }
}

extension Characterize {
  /// `finch characterize fit --json`: the held-out error per family and module.
  struct HeldOutReport: Encodable {
    var heldOut: [ResourceFit.ModuleError]
    enum CodingKeys: String, CodingKey { case heldOut = "held_out" }
  }

  /// `finch characterize fit`.
  struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fit the resource model to characterization datasets and report its error on held-out points.",
      discussion: """
        Fits each module's LUT and flip-flop coefficients per device family on four fifths of the points \
        (and all but the 4-bit x 4-bit MVAUs), then prints the error on the rest. With -o, writes the \
        coefficients (the file Finch bundles is Sources/FinchCost/Resources/resource-model.json).
        """)

    @Argument(help: "Datasets written by `finch characterize sweep`.")
    var datasets: [String]

    @Option(name: [.short, .customLong("output")], help: "Coefficient file to write (JSON).")
    var output: String?

    @Option(help: "Also draw the held-out points, estimated against synthesized LUTs (SVG).")
    var plot: String?

    @Option(help: "Also write every point's estimate and Yosys counts, training and held-out (CSV).")
    var residuals: String?

    @Flag(help: "Print the held-out errors as JSON.")
    var json = false

    func run() throws {
      try Finch.reportingErrors {
        let data = try datasets.map { try CharacterizationDataset.read(URL(fileURLWithPath: $0)) }
        if let output { try OutputFile.check(output, what: "coefficient file", inputs: datasets) }
        if let plot { try OutputFile.check(plot, what: "plot", inputs: datasets) }
        if let residuals { try OutputFile.check(residuals, what: "residual table", inputs: datasets) }
        let coefficients = try ResourceFit.fit(data)
        let errors = try ResourceFit.heldOutErrors(data, coefficients)
        if let output { try OutputFile.write(try coefficients.encoded(), to: output, what: "coefficient file", inputs: datasets) }
        if let plot {
          let heldOut = try data.flatMap { try ResourceFit.samples($0) }.filter(\.heldOut)
          let chart = ResourceFitChart(samples: heldOut, coefficients: coefficients)
          try OutputFile.write(Data(chart.svg.utf8), to: plot, what: "plot", inputs: datasets)
        }
        if let residuals {
          try OutputFile.write(Data(try ResourceFit.residualsCSV(data, coefficients).utf8), to: residuals, what: "residual table", inputs: datasets)
        }
        if json { return try JSONReport.print(HeldOutReport(heldOut: errors)) }
        print("family  module        held-out  LUT mean  LUT worst  FF mean  FF worst  DSP/BRAM mismatches")
        for e in errors {
          let name = e.family.padding(toLength: 8, withPad: " ", startingAt: 0) + e.module.padding(toLength: 13, withPad: " ", startingAt: 0)
          print(
            name
              + String(
                format: " %8d  %7.1f%%  %8.1f%%  %6.1f%%  %7.1f%%  %d", e.points, e.lutMeanPct, e.lutWorstPct, e.ffMeanPct, e.ffWorstPct,
                e.memoryOrDSPMismatches.count))
        }
        for e in errors where !e.memoryOrDSPMismatches.isEmpty {
          for m in e.memoryOrDSPMismatches { print("  \(e.family) \(m)") }
        }
        for e in errors { print("  worst \(e.family) \(e.module): \(e.worstPoint)") }
      }
    }
  }
}
