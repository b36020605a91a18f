import FinchIR

/// An ordered list of stages, each a pass or a group of passes run to a fixed
/// point. Verifies the graph after every pass and reports every pass's result.
public struct Pipeline: Sendable {
  /// One step of a pipeline.
  public enum Stage: Sendable {
    case pass(any Pass)
    /// Runs the passes in order, repeatedly, until none changes the graph (at most `maxRounds`).
    case fixedPoint([any Pass], maxRounds: Int)
  }

  public var stages: [Stage]

  public init(_ stages: [Stage]) { self.stages = stages }

  /// Every pass name, in order.
  public var passNames: [String] {
    stages.flatMap { stage -> [String] in
      switch stage {
      case .pass(let p): return [p.name]
      case .fixedPoint(let ps, _): return ps.map(\.name)
      }
    }
  }

  /// Runs the pipeline on `graph`. `observe` is called after each pass that
  /// changed the graph, with the pass name and the graph after it.
  public func run(on graph: inout Graph, observe: (String, Graph) throws -> Void = { _, _ in }) throws {
    for stage in stages {
      switch stage {
      case .pass(let p):
        if try apply(p, to: &graph) { try observe(p.name, graph) }
      case .fixedPoint(let passes, let maxRounds):
        var settled = false
        for _ in 0..<maxRounds {
          var changed = false
          for p in passes where try apply(p, to: &graph) {
            changed = true
            try observe(p.name, graph)
          }
          if !changed {
            settled = true
            break
          }
        }
        if !settled { throw PassError.noFixedPoint(passes: passes.map(\.name), rounds: maxRounds) }
      }
    }
  }

  private func apply(_ pass: any Pass, to graph: inout Graph) throws(PassError) -> Bool {
    let changed = try pass.run(on: &graph)
    if changed {
      do { try graph.verify() } catch { throw .invalidResult(pass: pass.name, error) }
    }
    return changed
  }
}
