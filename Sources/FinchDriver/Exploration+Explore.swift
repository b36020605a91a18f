import Dispatch
import FinchCPU
import FinchCost
import FinchIR
import FinchOffload
import Foundation
import Synchronization

/// What `finch explore` explores: every model × device × clock × target ×
/// architecture.
public struct ExplorationRequest: Sendable {
  public var models: [String]
  public var devices: [String]
  /// Clocks in MHz; empty: each device's own.
  public var clocks: [Double]
  public var targets: [FoldingTarget]
  public var architectures: [ArchitectureRequest]
  /// A labeled test set (`.npy` inputs and integer labels) for accuracy.
  public var testInput: String?
  public var testLabels: String?
  public var fronts: [ObjectivePair]
  /// Synthesize every point that fits (``ExplorationSynthesis``); nil: estimates only.
  public var synthesis: ExplorationSynthesis?
  /// How dataflow designs' FIFOs are sized: the latency model's bound (the
  /// default: microseconds a point, never shallower than a build's) or
  /// `minimal`, as `finch build` sizes them (a simulation per point).
  public var fifoSizing = DataflowPipeline.FIFOSizingMethod.scheduleBound

  public init(
    models: [String], devices: [String], clocks: [Double] = [], targets: [FoldingTarget], architectures: [ArchitectureRequest] = [.dataflow],
    testInput: String? = nil, testLabels: String? = nil, fronts: [ObjectivePair]? = nil
  ) {
    (self.models, self.devices, self.clocks, self.targets, self.architectures) = (models, devices, clocks, targets, architectures)
    (self.testInput, self.testLabels) = (testInput, testLabels)
    self.fronts = fronts ?? ObjectivePair.defaults(withAccuracy: testInput != nil)
  }
}

extension Exploration {
  /// What one combination gave.
  private enum Outcome {
    case point(ExplorationPoint, ArchitectureChoice.Pick, model: Int)
    case skipped(Skipped)
  }

  /// Evaluates every combination of `request`; `progress` hears each point
  /// as it is done (points done, points in all, a line about it), then each
  /// synthesis when asked for. Points are evaluated in parallel on all cores;
  /// the result does not depend on the order.
  public static func explore(_ request: ExplorationRequest, progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in }) throws -> Exploration {
    let models = try request.models.map { model -> (name: String, graph: Graph, layers: [HardwareLayer], accuracy: Double?) in
      let graph = try Compilation.compiledGraph(model)
      return (model, graph, try HardwareLayer.layers(of: graph), try accuracy(of: graph, model: model, input: request.testInput, labels: request.testLabels))
    }
    struct Combination {
      var model: Int, device: String, clock: Double?, target: FoldingTarget, arch: ArchitectureRequest
    }
    var combinations: [Combination] = []
    for m in models.indices {
      for device in request.devices {
        for clock in request.clocks.isEmpty ? [nil] : request.clocks.map(Optional.some) {
          for target in request.targets {
            for arch in request.architectures { combinations.append(Combination(model: m, device: device, clock: clock, target: target, arch: arch)) }
          }
        }
      }
    }
    let all = combinations
    let results = Mutex([Outcome?](repeating: nil, count: all.count))
    let done = Atomic(0)
    let failure = Mutex<(any Error)?>(nil)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: all.count) { i in
      let c = all[i], model = models[c.model]
      let result: Outcome
      do {
        let choice = try ArchitectureChoice(
          graph: model.graph, layers: model.layers, request: c.arch, board: c.device, clockMHz: c.clock, target: c.target,
          fifoSizing: request.fifoSizing)
        result = .point(point(choice, model: model.name, device: c.device, target: c.target, accuracy: model.accuracy), choice.picked, model: c.model)
      } catch let error as FinchCostError {
        // An unknown device or an impossible target is the user's mistake, not a point without a design.
        failure.withLock { if $0 == nil { $0 = error } }
        return
      } catch {
        result = .skipped(Skipped(model: model.name, device: c.device, arch: c.arch.rawValue, target: describe(c.target), reason: "\(error)"))
      }
      results.withLock { $0[i] = result }
      let n = done.add(1, ordering: .relaxed).newValue
      switch result {
      case .point(let p, _, _):
        progress(
          n, all.count,
          "\(p.model) on \(p.device), \(p.arch), \(describe(c.target)): \(String(format: "%.1f", p.fps)) frames/s, \(p.lut) LUT"
            + timeLeft(since: start, done: n, of: all.count))
      case .skipped(let s):
        progress(n, all.count, "\(s.model) on \(s.device), \(s.arch), \(s.target): no design" + timeLeft(since: start, done: n, of: all.count))
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    var points: [ExplorationPoint] = [], skipped: [Skipped] = [], designs: [ExplorationSynthesis.Design] = []
    for result in results.withLock({ $0 }) {
      switch result {
      case .point(let p, let pick, let m):
        points.append(p)
        designs.append(ExplorationSynthesis.Design(pick: pick, graph: models[m].graph, device: p.device))
      case .skipped(let s): skipped.append(s)
      case nil: break
      }
    }
    if let synthesis = request.synthesis {
      let synthesized = try synthesis.run(designs, fits: points.map(\.fits), progress: progress)
      for i in points.indices {
        points[i].synthesized = synthesized[i]?.resources
        points[i].synthesisError = synthesized[i]?.error
      }
    }
    return Exploration(points: points, skipped: skipped, fronts: fronts(of: points, request.fronts))
  }

  /// The point a chosen design makes.
  static func point(_ choice: ArchitectureChoice, model: String, device: String, target: FoldingTarget, accuracy: Double?) -> ExplorationPoint {
    var (fps, budget): (Double?, Double?) = (nil, nil)
    if case .framesPerSecond(let f) = target { fps = f }
    if case .budget(let b) = target { budget = b }
    switch choice.picked {
    case .dataflow(let folding):
      let e = folding.estimate
      let power = e.power ?? PowerEstimate(resources: e.totals, part: folding.device.part, clockMHz: e.clockMHz)
      return ExplorationPoint(
        model: model, device: device, arch: "dataflow", clockMHz: e.clockMHz, targetFPS: fps, budget: budget, accuracy: accuracy, fps: e.fps,
        latencyUs: Double(e.firstFrameLatencyCycles) / e.clockMHz, lut: e.totals.lut, ff: e.totals.ff, bram18: e.totals.bram18, ebr: e.totals.ebr,
        dsp: e.totals.dsp, watts: power.watts, fpsPerWatt: power.fpsPerWatt(e.fps), fits: e.totals.fits(e.capacity), targetMet: e.targetMet)
    case .offload(let o):
      let (t, s, power) = (o.totals, o.estimate, o.power)
      return ExplorationPoint(
        model: model, device: device, arch: "offload", clockMHz: s.clockMHz, targetFPS: fps, budget: budget, accuracy: accuracy, fps: s.fps,
        latencyUs: s.latencyMs * 1000, lut: t.lut, ff: t.ff, bram18: t.bram18, ebr: t.ebr, dsp: t.dsp, watts: power.watts,
        fpsPerWatt: power.fpsPerWatt(s.fps), fits: o.fits, targetMet: o.targetMet)
    }
  }

  /// `, about N s left` at `done` of `total` steps begun at `start` (empty when done or nothing is).
  static func timeLeft(since start: Date, done: Int, of total: Int) -> String {
    guard done > 0, done < total else { return "" }
    return String(format: ", about %.0f s left", Date().timeIntervalSince(start) / Double(done) * Double(total - done))
  }

  /// `5,000 frames/s` or `budget 0.5`.
  static func describe(_ target: FoldingTarget) -> String {
    switch target {
    case .framesPerSecond(let f): return "\(String(format: "%g", f)) frames/s"
    case .budget(let b): return "budget \(String(format: "%g", b))"
    case .pinned: return "pinned"
    }
  }

  /// Percent of `labels` the CPU backend predicts (argmax) on `input`; nil without a test set.
  static func accuracy(of graph: Graph, model: String, input: String?, labels: String?) throws -> Double? {
    guard let input, let labels else { return nil }
    let x = try NPY.read(path: input)
    let samples = x.shape.rank >= 1 ? x.shape[0] : 1
    let plan = try CPUPlan(graph: graph, maxBatch: max(1, min(64, samples)))
    guard let name = graph.outputs.first, let y = try plan.run(x)[name] else { throw ExplorationError.noOutput(model) }
    let predictions = Predictions.argmax(y)
    let truth = try NPY.read(path: labels)
    guard truth.count == predictions.count else { throw ExplorationError.labelCount(labels, labels: truth.count, samples: predictions.count) }
    return 100 * Double(Predictions.correct(predictions, truth)) / Double(max(truth.count, 1))
  }
}

/// A problem with what `finch explore` was given.
public enum ExplorationError: Error, CustomStringConvertible {
  case noOutput(String)
  case labelCount(String, labels: Int, samples: Int)

  public var description: String {
    switch self {
    case .noOutput(let model): return "\(model): the compiled model computes no output"
    case .labelCount(let file, let labels, let samples): return "\(file): has \(labels) labels for \(samples) test samples"
    }
  }
}
