import FinchCPU
import FinchIR
import Synchronization

/// A schedule's CPU steps compiled once for the CPU backend (``CPUPlan``:
/// bit-packed and integer GEMM kernels, outputs bit-identical with the
/// interpreter), one single-threaded plan per step (a frame is one sample),
/// keyed by the step's first layer. A plan runs one frame at a time, so runs
/// through copies of one ``OffloadRun`` take turns.
final class CPUStepPlans: Sendable {
  private let plans: Mutex<[String: CPUPlan]>

  /// Compiles each of `steps` (its first layer and its layers as a graph of their own).
  init(_ steps: [(first: String, graph: Graph)]) throws(FinchOffloadError) {
    var plans: [String: CPUPlan] = [:]
    for (first, graph) in steps {
      do { plans[first] = try CPUPlan(graph: graph, maxBatch: 1, threads: 1) } catch {
        throw .run("CPU step from '\(first)': the CPU backend cannot compile it: \(error)")
      }
    }
    self.plans = Mutex(plans)
  }

  /// Runs the step that starts at layer `first` on `x`; returns its outputs by name.
  func run(_ first: String, _ x: Tensor) throws(FinchOffloadError) -> [String: Tensor] {
    let result: Result<[String: Tensor], FinchOffloadError> = plans.withLock { plans in
      guard let plan = plans[first] else { return .failure(.run("no CPU step starts at '\(first)'")) }
      do { return .success(try plan.run(x)) } catch { return .failure(.run("CPU step from '\(first)': \(error)")) }
    }
    return try result.get()
  }
}
