import Foundation
import Synchronization

import CFinchCPUID

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work the pool can run: `run(index)` for each index of a dispatch, from any thread.
protocol PoolJob: AnyObject, Sendable {
  func run(_ index: Int)
}

/// Runs indexed jobs on a fixed set of threads: the caller plus `threads - 1`
/// workers started once. A dispatch allocates nothing: the job is published
/// with an atomic generation count, participants claim indices from an atomic
/// counter, and idle workers spin briefly before sleeping on a condition
/// variable, so back-to-back layers hand off in well under a microsecond. The
/// caller returns only after every worker has checked in for the job, so no
/// worker can touch a finished job.
final class WorkerPool: @unchecked Sendable {
  /// Participants in every dispatch, the caller included.
  let threads: Int
  private let state: PoolState

  init(threads: Int) {
    self.threads = max(1, threads)
    state = PoolState(workers: self.threads - 1)
    for _ in 1..<self.threads {
      let state = state
      let worker = Thread { state.work() }
      worker.stackSize = 1 << 20
      worker.start()
    }
  }

  deinit { state.stop() }

  /// Calls `job.run(0) ... job.run(count - 1)`, spread over the pool, and returns when all are done.
  func forEach(_ count: Int, _ job: any PoolJob) {
    if threads == 1 || count <= 1 {
      for i in 0..<count { job.run(i) }
      return
    }
    state.run(count, job)
  }
}

/// What the pool's threads share.
private final class PoolState: @unchecked Sendable {
  private let generation = Atomic<Int>(0)
  private let next = Atomic<Int>(0)
  private let arrived = Atomic<Int>(0)
  private let workers: Int
  private let stopping = Atomic<Bool>(false)
  /// The current job and its size; written before `generation` moves on, read after.
  private var job: (any PoolJob)?
  private var count = 0
  private var mutex = pthread_mutex_t()
  private var wake = pthread_cond_t()

  init(workers: Int) {
    self.workers = workers
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&wake, nil)
  }

  /// Publishes `job`, takes part in it, and waits for the other participants.
  func run(_ count: Int, _ job: any PoolJob) {
    self.job = job
    self.count = count
    next.store(0, ordering: .relaxed)
    arrived.store(0, ordering: .relaxed)
    generation.add(1, ordering: .releasing)
    pthread_mutex_lock(&mutex)
    pthread_cond_broadcast(&wake)
    pthread_mutex_unlock(&mutex)
    claim(job, count)
    while arrived.load(ordering: .acquiring) < workers { spinPause() }
    self.job = nil
  }

  /// A worker's life: wait for a new generation, help with it, repeat.
  func work() {
    var seen = 0
    while true {
      var spins = 0
      while generation.load(ordering: .acquiring) == seen && !stopping.load(ordering: .relaxed) {
        spins += 1
        if spins < 20_000 {
          spinPause()
          continue
        }
        pthread_mutex_lock(&mutex)
        while generation.load(ordering: .acquiring) == seen && !stopping.load(ordering: .relaxed) {
          pthread_cond_wait(&wake, &mutex)
        }
        pthread_mutex_unlock(&mutex)
      }
      if stopping.load(ordering: .relaxed) { return }
      seen = generation.load(ordering: .acquiring)
      if let job { claim(job, count) }
      arrived.add(1, ordering: .releasing)
    }
  }

  func stop() {
    stopping.store(true, ordering: .relaxed)
    pthread_mutex_lock(&mutex)
    pthread_cond_broadcast(&wake)
    pthread_mutex_unlock(&mutex)
  }

  private func claim(_ job: any PoolJob, _ count: Int) {
    while true {
      let i = next.add(1, ordering: .relaxed).oldValue
      guard i < count else { return }
      job.run(i)
    }
  }

  @inline(__always) private func spinPause() { finch_spin_pause() }
}
