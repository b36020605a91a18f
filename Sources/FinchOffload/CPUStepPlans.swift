import FinchCPU
import FinchIR
import Synchronization

/// A schedule's CPU steps compiled once for the CPU backend (``CPUPlan``:
/// bit-packed and integer GEMM kernels, outputs bit-identical with the
/// interpreter), one single-threaded plan per step (a frame is one sample)
/// with the value it leaves for the next step, keyed by the step's first layer. A plan runs one frame at a time, so runs
/// through copies of one ``OffloadRun`` take turns.
final class CPUStepPlans: Sendable {
  private let plans: Mutex<[String: (plan: CPUPlan, output: String)]>

  /// Compiles each of `steps` (its first layer and its layers as a graph of
  /// their own, whose one output is what the step leaves).
  init(_ steps: [(first: String, graph: Graph)]) throws(FinchOffloadError) {
    var plans: [String: (plan: CPUPlan, output: String)] = [:]
    for (first, graph) in steps {
      do { plans[first] = (try CPUPlan(graph: graph, maxBatch: 1, threads: 1), graph.outputs[0]) } catch {
        throw .run("CPU step from '\(first)': the CPU backend cannot compile it: \(error)")
      }
    }
    self.plans = Mutex(plans)
  }

  /// Runs the step that starts at layer `first` on `feed` (each value its graph reads); returns what it leaves.
  func run(_ first: String, _ feed: [String: Tensor]) throws(FinchOffloadError) -> Tensor {
    let result: Result<Tensor, FinchOffloadError> = plans.withLock { plans in
      guard let step = plans[first] else { return .failure(.run("no CPU step starts at '\(first)'")) }
      do {
        guard let y = try step.plan.run(feed)[step.output] else { return .failure(.run("CPU step from '\(first)' did not compute \(step.output)")) }
        return .success(y)
      } catch { return .failure(.run("CPU step from '\(first)': \(error)")) }
    }
    return try result.get()
  }
}
