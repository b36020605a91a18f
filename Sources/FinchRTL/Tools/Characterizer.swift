import FinchCost
import FinchIR
import Foundation

/// Synthesizes characterization points standalone with Yosys, in parallel,
/// each result cached by the design Yosys reads (the library Verilog, the
/// stitched top and its memory files), the device family and the Yosys
/// version, so a rerun only synthesizes what is new and a change to the
/// Verilog or its emitter never reuses a stale count (`finch characterize`).
public enum Characterizer {
  /// The installed Yosys' version line, e.g. `Yosys 0.23 (git sha1 …)`.
  public static func yosysVersion() throws(RTLError) -> String {
    try Command.require("yosys", package: "yosys")
    let out = try Command.check("yosys", ["-V"], in: FileManager.default.temporaryDirectory)
    return out.log.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The tool column of a dataset for `family`.
  public static func tool(_ family: DeviceFamily, version: String) -> String {
    let version = version.split(separator: " ").prefix(2).joined(separator: " ")
    switch family {
    case .xc7: return "\(version) synth_xilinx -family xc7"
    case .xcup: return "\(version) synth_xilinx -family xcup -abc9"
    case .ice40: return "\(version) synth_ice40 -dsp"
    }
  }

  /// Writes the standalone design of `point` into `directory`; returns its
  /// instance, its sources and the hash of every file written (the cache key).
  static func writeDesign(_ point: CharacterizationPoint, to directory: URL) throws -> (ModuleInstance, [String], String) {
    let instance: ModuleInstance
    if let pipeline = try point.pipeline() {
      instance = try Design.instance(pipeline.elements[0], pipeline)
    } else {
      let (input, output, kind): (Int, Int, DataflowPipeline.Element.Kind) =
        point.module == .fifo ? (point["width"], point["width"], .fifo(depth: point["depth"])) : (point["in"], point["out"], .dwc)
      let element = DataflowPipeline.Element(
        name: point.module.rawValue, instance: point.module.rawValue, kind: kind, input: StreamFormat(dataType: .binary, elementsPerWord: input),
        output: StreamFormat(dataType: .binary, elementsPerWord: output), inputWords: 1, outputWords: 1)
      instance = Design.glue(element)
    }
    let sources = try VerilogLibrary.writeDesign([instance], to: directory)
    var content = Data()
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
      content.append(Data("\(name)\n".utf8))
      content.append(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
    return (instance, sources, WrittenDesign.contentHash(content))
  }

  /// Synthesizes the design of `point` written in `directory` (see
  /// ``writeDesign(_:to:)``) for `part` and returns what Yosys counted for
  /// the module's instance; removes `directory` when Yosys succeeds.
  static func synthesize(_ point: CharacterizationPoint, _ instance: ModuleInstance, sources: [String], in directory: URL, part: Part) throws -> Resources {
    let report: SynthesisReport
    do {
      report = try Synthesizer.run(
        directory: directory, sources: sources, part: part, inputWidth: instance.input.wordBits, outputWidth: instance.output.wordBits,
        names: [:], estimates: [:], estimateTotals: nil, placeAndRoute: false)
    } catch {
      throw RTLError.toolFailed(tool: "yosys", status: 0, log: "\(error) (the design and yosys.log are in \(directory.path))")
    }
    try? FileManager.default.removeItem(at: directory)
    guard let row = report.layers.first(where: { $0.name == instance.name }) else {
      throw RTLError.toolFailed(tool: "yosys", status: 0, log: "the netlist of \(point.key) has no instance \(instance.name)")
    }
    return row.synthesized.resources
  }

  /// Synthesizes every point of `points` for `part` with `jobs` Yosys runs at
  /// a time, reading and writing the cache folder `cache`; reports progress
  /// (done, total, seconds left) after each point. Rows come back in `points`'
  /// order; a point Yosys fails on is listed in the dataset's `failed` with
  /// Yosys' error (its design folder kept), unless every point fails.
  public static func sweep(
    _ points: [CharacterizationPoint], part: Part, jobs: Int, cache: URL,
    progress: @escaping @Sendable (Int, Int, Double) -> Void
  ) throws -> CharacterizationDataset {
    let version = try yosysVersion()
    let folder = cache.appendingPathComponent(part.family.rawValue)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let scratch = folder.appendingPathComponent("scratch")
    let results = Results(count: points.count)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, points.count))) { _ in
      while let i = results.next() {
        let point = points[i]
        let outcome = Result<Resources, Error> {
          let directory = scratch.appendingPathComponent(UUID().uuidString)
          let (instance, sources, hash) = try writeDesign(point, to: directory)
          let file = folder.appendingPathComponent(WrittenDesign.contentHash(Data("\(version)\n\(hash)".utf8)) + ".json")
          if let data = FileManager.default.contents(atPath: file.path), let cached = try? JSONDecoder().decode(Resources.self, from: data) {
            try? FileManager.default.removeItem(at: directory)
            return cached
          }
          let r = try synthesize(point, instance, sources: sources, in: directory, part: part)
          // Written whole or not at all; a cache file that cannot be written only costs a rerun.
          if let data = try? JSONEncoder().encode(r) { try? OutputFile.write(data, to: file.path, what: "characterization cache file") }
          return r
        }
        let done = results.finish(i, outcome)
        progress(done, points.count, Date().timeIntervalSince(start) / Double(done) * Double(points.count - done))
      }
    }
    rmdir(scratch.path)  // only when empty: a failed point keeps its folder for the error to name
    var rows: [CharacterizationDataset.Row] = [], failed: [CharacterizationDataset.Failure] = []
    var firstError: Error?
    for (point, outcome) in zip(points, results.all()) {
      switch outcome {
      case .success(let r): rows.append(CharacterizationDataset.Row(point: point, synthesized: r))
      case .failure(let error):
        firstError = firstError ?? error
        failed.append(CharacterizationDataset.Failure(point: point.key, reason: toolError(in: "\(error)")))
      }
    }
    // Every point failing is the tool or the machine, not a point: say why.
    if rows.isEmpty, let firstError {
      throw RTLError.toolFailed(tool: "yosys", status: 0, log: "characterization point \(points[0].key): \(firstError)")
    }
    return CharacterizationDataset(family: part.family, part: part.name, tool: tool(part.family, version: version), rows: rows, failed: failed)
  }

  /// The tool's own error line in `message` (Yosys' `ERROR: …`, its file
  /// path shortened to the file name), else the whole message.
  public static func toolError(in message: String) -> String {
    guard let range = message.range(of: "ERROR:") else { return message }
    let line = message[..<range.lowerBound].split(separator: "\n").last.map(String.init) ?? ""
    let location = line.split(separator: " ").last.map { $0.split(separator: "/").last.map(String.init) ?? "" } ?? ""
    let text = message[range.lowerBound...].prefix { $0 != "\n" && $0 != "(" }
    return (location + " " + text).trimmingCharacters(in: .whitespaces)
  }

  /// The sweep's shared state: the next point to take and each point's outcome.
  private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0, done = 0
    private var outcomes: [Result<Resources, Error>?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func next() -> Int? {
      lock.withLock {
        guard taken < outcomes.count else { return nil }
        taken += 1
        return taken - 1
      }
    }

    func finish(_ i: Int, _ outcome: Result<Resources, Error>) -> Int {
      lock.withLock {
        outcomes[i] = outcome
        done += 1
        return done
      }
    }

    func all() -> [Result<Resources, Error>] { lock.withLock { outcomes.map { $0 ?? .failure(RTLError.invalidStream("not synthesized")) } } }
  }
}
