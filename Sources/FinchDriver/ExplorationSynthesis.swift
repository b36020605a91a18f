import Dispatch
import FinchCost
import FinchIR
import FinchOffload
import FinchRTL
import Foundation
import Synchronization

/// `finch explore --synth`: every design point that fits its part,
/// synthesized with Yosys, `jobs` at a time. Each design is written as a
/// build would write it and keyed by a hash of its files, its part and the
/// Yosys version; a design already in the `cache` folder (from this run's
/// other points or an earlier run) is not synthesized again. A design Yosys
/// fails on keeps the tool's error line instead of figures (cached too: the
/// same Yosys fails the same way).
public struct ExplorationSynthesis: Sendable {
  /// Where results are kept, one file per design key.
  public var cache: URL
  /// Yosys runs at a time.
  public var jobs: Int

  public init(cache: URL, jobs: Int) { (self.cache, self.jobs) = (cache, max(1, jobs)) }

  /// One point's design.
  public struct Design: Sendable {
    var pick: ArchitectureChoice.Pick
    var graph: Graph
    var device: String
  }

  /// What synthesis made of one design: its totals, or why Yosys failed.
  public struct Outcome: Codable, Sendable, Equatable {
    public var totals: SynthesizedResources?
    public var error: String?

    /// The totals as resources.
    public var resources: Resources? { totals?.resources }
  }

  /// What synthesis made of each design (nil where `fits` is false); `progress` hears each synthesis.
  func run(_ designs: [Design], fits: [Bool], progress: @Sendable (Int, Int, String) -> Void) throws -> [Outcome?] {
    let version = try Characterizer.yosysVersion()
    let catalogue = try DeviceCatalogue.bundled()
    let scratch = cache.appendingPathComponent("scratch-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Write every design once to learn its key; points with the same key share one synthesis.
    var keys: [String?] = [], unique: [String: (design: Design, rtl: URL, part: Part)] = [:]
    for (i, d) in designs.enumerated() {
      guard fits[i] else {
        keys.append(nil)
        continue
      }
      let part = try catalogue.device(named: d.device).part
      let rtl = scratch.appendingPathComponent("\(i)/rtl")
      let files: [String: String]
      switch d.pick {
      case .dataflow(let folding):
        _ = try FinchRTL.Design(graph: d.graph, pipeline: folding.pipeline).write(to: rtl)
        files = try WrittenDesign(directory: rtl).manifest.files
      case .offload(let o):
        _ = try EngineDesign(engine: o.engine).write(to: rtl)
        files = try WrittenEngineDesign(directory: rtl).manifest.files
      }
      let key = WrittenDesign.contentHash(Data(([part.name, version] + files.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\n").utf8))
      keys.append(key)
      if unique[key] == nil { unique[key] = (d, rtl, part) }
    }
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    let designsByKey = unique
    let work = unique.keys.sorted().filter { cached($0) == nil }
    progress(0, work.count, "synthesis: \(unique.count) distinct designs, \(unique.count - work.count) cached in \(cache.path), \(work.count) to synthesize")
    let next = Atomic(0), done = Atomic(0), failure = Mutex<(any Error)?>(nil)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: min(jobs, max(work.count, 1))) { _ in
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        guard k < work.count, failure.withLock({ $0 == nil }) else { return }
        let key = work[k]
        guard let (design, rtl, part) = designsByKey[key] else { continue }
        let at = scratch.appendingPathComponent("synth-\(key)")
        let outcome: Outcome
        do {
          let report: SynthesisReport
          switch design.pick {
          case .dataflow(let folding):
            report = try DesignSynthesis.dataflow(try WrittenDesign(directory: rtl), estimate: folding.estimate, part: part, in: at)
          case .offload:
            report = try DesignSynthesis.offload(try WrittenEngineDesign(directory: rtl), part: part, in: at)
          }
          outcome = Outcome(totals: report.totals, error: nil)
        } catch let error as RTLError {
          guard case .toolFailed = error else {
            failure.withLock { if $0 == nil { $0 = error } }
            return
          }
          outcome = Outcome(totals: nil, error: Characterizer.toolError(in: "\(error)"))
        } catch {
          failure.withLock { if $0 == nil { $0 = error } }
          return
        }
        do { try store(outcome, key) } catch {
          failure.withLock { if $0 == nil { $0 = error } }
          return
        }
        let n = done.add(1, ordering: .relaxed).newValue
        let what = outcome.error.map { "Yosys failed on the \(design.device) design \(key): \($0)" } ?? "synthesized the \(design.device) design \(key)"
        progress(n, work.count, what + Exploration.timeLeft(since: start, done: n, of: work.count))
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return try keys.map { key in
      guard let key else { return nil }
      guard let outcome = cached(key) else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file(for: key).path]) }
      return outcome
    }
  }

  /// The cache file of design `key`.
  func file(for key: String) -> URL { cache.appendingPathComponent("\(key).json") }

  /// Keeps `outcome` under `key`, written whole or not at all.
  func store(_ outcome: Outcome, _ key: String) throws {
    try OutputFile.write(try JSONEncoder().encode(outcome), to: file(for: key).path, what: "synthesis cache file")
  }

  /// The outcome kept under `key`; nil when there is none (or the file holds no figures and no error).
  func cached(_ key: String) -> Outcome? {
    guard let data = FileManager.default.contents(atPath: file(for: key).path), let outcome = try? JSONDecoder().decode(Outcome.self, from: data),
      outcome.totals != nil || outcome.error != nil
    else { return nil }
    return outcome
  }
}
