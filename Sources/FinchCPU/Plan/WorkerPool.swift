import Dispatch

/// Runs `count` indexed jobs on up to `threads` cores and waits for all of them.
struct WorkerPool: Sendable {
  /// The most jobs run at once.
  let threads: Int

  /// Calls `job(0) ... job(count - 1)`, in parallel when `threads > 1`.
  func forEach(_ count: Int, _ job: @Sendable (Int) -> Void) {
    if threads <= 1 || count <= 1 {
      for i in 0..<count { job(i) }
    } else {
      DispatchQueue.concurrentPerform(iterations: count, execute: job)
    }
  }
}
