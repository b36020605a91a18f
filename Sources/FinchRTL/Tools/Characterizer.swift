import FinchCost
import Foundation

/// Synthesizes characterization points standalone with Yosys, in parallel,
/// each result cached by its point, the device family and the Yosys version
/// so a rerun only synthesizes what is new (`finch characterize`).
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

  /// Synthesizes `point` for `part` in a fresh folder under `scratch` (removed
  /// afterwards) and returns what Yosys counted for the module's instance.
  public static func synthesize(_ point: CharacterizationPoint, part: Part, scratch: URL) throws -> Resources {
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
    let directory = scratch.appendingPathComponent(UUID().uuidString)
    let sources = try VerilogLibrary.writeDesign([instance], to: directory)
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
    let s = row.synthesized
    return Resources(lut: s.lut, ff: s.ff, dsp: s.dsp, bram18: s.bram18, uram: s.uram, ebr: s.ebr)
  }

  /// Synthesizes every point of `points` for `part` with `jobs` Yosys runs at
  /// a time, reading and writing the cache folder `cache`; reports progress
  /// (done, total, seconds left) after each point. Rows come back in `points`' order.
  public static func sweep(
    _ points: [CharacterizationPoint], part: Part, jobs: Int, cache: URL, progress: @escaping @Sendable (Int, Int, Double) -> Void
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
        let file = folder.appendingPathComponent(WrittenDesign.contentHash(Data("\(version)\n\(point.key)".utf8)) + ".json")
        let outcome: Result<Resources, Error>
        if let data = FileManager.default.contents(atPath: file.path), let cached = try? JSONDecoder().decode(Resources.self, from: data) {
          outcome = .success(cached)
        } else {
          outcome = Result { try synthesize(point, part: part, scratch: scratch) }
          if case .success(let r) = outcome, let data = try? JSONEncoder().encode(r) {
            // Written whole under a temporary name, then moved into place.
            let temporary = folder.appendingPathComponent(UUID().uuidString + ".tmp")
            if (try? data.write(to: temporary)) != nil, rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
          }
        }
        let done = results.finish(i, outcome)
        progress(done, points.count, Date().timeIntervalSince(start) / Double(done) * Double(points.count - done))
      }
    }
    rmdir(scratch.path)  // only when empty: a failed point keeps its folder for the error to name
    let rows = try results.all().enumerated().map { i, outcome in
      do { return CharacterizationDataset.Row(point: points[i], synthesized: try outcome.get()) } catch {
        throw RTLError.toolFailed(tool: "yosys", status: 0, log: "characterization point \(points[i].key): \(error)")
      }
    }
    return CharacterizationDataset(family: part.family, part: part.name, tool: tool(part.family, version: version), rows: rows)
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
