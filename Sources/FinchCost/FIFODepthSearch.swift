import Foundation

/// The search behind ``FIFOSizing/minimalDepths(of:frames:workLimit:)``: every
/// FIFO's depth between the deepest known to lose the schedule and the one
/// the best run so far keeps it at, probed on every core at once.
///
/// A core that comes free takes the first FIFO (in ``order``) with a depth
/// left to try that no running probe tries, so both cores stay busy while
/// one FIFO's last probe runs: the next FIFO's first probe starts beside it.
/// What a probe shows holds after the runs finished meanwhile: the depths of
/// the best run only shrink (a run that keeps the schedule becomes the best
/// only when no FIFO in it is deeper than in the best), and a FIFO made
/// shallower never lets a word pass earlier in the handshake model, so a
/// depth that lost the schedule loses it at any later best. A running probe
/// whose outcome is decided (its depth known to lose, or no shallower than
/// the best's) stops at its next checkpoint.
final class FIFODepthSearch: @unchecked Sendable {
  /// A probe: FIFO `fifo` (element index) `depth` words deep, the others as in the best run it started from;
  /// whether it is one just below the best depth, and whether others' outcomes decided it.
  private struct Probe {
    let fifo: Int, depth: Int
    var fromTop = false
    var moot = false
  }

  private let simulation: StreamSimulation
  private let reference: [Int]
  private let fifos: [Int]
  private let order: [Int]
  private let every: Int
  private let lanes: Int
  /// Guards everything below, and wakes cores waiting for a probe to try.
  private let condition = NSCondition()
  private var depths: [Int: Int]
  private var best: StreamSimulation.Trace
  /// Per FIFO (element index), the deepest depth known to lose the schedule (0: none).
  private var losing: [Int: Int] = [:]
  private var running: [Int: Probe] = [:]
  private var probesStarted = 0
  /// Per FIFO, the probes started just below the best depth.
  private var topProbes: [Int: Int] = [:]

  /// A search of `simulation`'s FIFOs `fifos` (element indices, stream
  /// order) from the `unbounded` run (FIFOs that never fill, output
  /// handshakes of all FIFOs recorded), leaving a checkpoint every `every`
  /// cycles, on `lanes` cores; FIFOs searched in `order`.
  init(
    _ simulation: StreamSimulation, fifos: [Int], order: [Int], unbounded: (result: StreamSimulation.Result, trace: StreamSimulation.Trace),
    every: Int, lanes: Int
  ) {
    (self.simulation, self.fifos, self.order, self.every, self.lanes) = (simulation, fifos, order, every, max(lanes, 1))
    reference = unbounded.result.frameEnds
    depths = unbounded.result.fifoDepthsUsed.mapValues { max($0, 1) }
    best = unbounded.trace
  }

  /// Runs the search to its end and returns the depths (by element index).
  func run() -> [Int: Int] {
    DispatchQueue.concurrentPerform(iterations: lanes) { _ in work() }
    return depths
  }

  /// One core's loop: start the next probe, run it, apply what it shows; wait while there is none to start but some run.
  private func work() {
    condition.lock()
    defer { condition.unlock() }
    while true {
      guard let (id, fifo, depth) = nextProbe() else {
        if running.isEmpty { return }
        condition.wait()
        continue
      }
      var candidate = depths
      candidate[fifo] = depth
      let parent = best
      let ordinal = fifos.firstIndex(of: fifo)!
      // Only FIFOs still to search are replayed by later probes: only they need recording.
      let firstOpen = fifos.firstIndex { isOpen($0) } ?? ordinal
      condition.unlock()
      let run = simulation.traced(
        depths: candidate, deadlines: reference, from: parent.resumption(fifo: ordinal, depth: depth), parent: parent, checkpointEvery: every,
        replaying: ordinal, recording: Array(min(firstOpen, ordinal)..<fifos.count), until: { [self] in isMoot(id) })
      condition.lock()
      apply(running.removeValue(forKey: id)!, run)
      condition.broadcast()
    }
  }

  /// Whether FIFO `fifo` still has a depth to try.
  private func isOpen(_ fifo: Int) -> Bool { depths[fifo]! - losing[fifo, default: 0] > 1 }

  /// Whether probe `id` is decided by others' outcomes (taking the lock).
  private func isMoot(_ id: Int) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    return running[id]?.moot ?? true
  }

  /// The next probe to start, registered as running: the first open FIFO
  /// with a depth no running probe tries. The first probe in a FIFO's gap
  /// tries the square root of the gap above the losing depth (most FIFOs
  /// need a few words of a deep unbounded use: the input queues before a
  /// slow first layer; with one core the middle); the next, just below the
  /// best depth, 1, 2, 4, ... words below it as such probes go on (a FIFO in
  /// front of a layer that takes a frame's input in one burst needs all but
  /// a few of the words it used); any other the middle of the widest gap
  /// between the depths tried or known.
  private func nextProbe() -> (id: Int, fifo: Int, depth: Int)? {
    for fifo in order where isOpen(fifo) {
      let (low, high) = (losing[fifo, default: 0], depths[fifo]!)
      let others = running.values.filter { !$0.moot && $0.fifo == fifo }
      let tried = others.map(\.depth).sorted()
      var (depth, fromTop) = (0, false)
      if !tried.isEmpty, !others.contains(where: \.fromTop), case let top = high - (1 << min(topProbes[fifo, default: 0], 30)), top > tried.last! {
        (depth, fromTop) = (top, true)
        topProbes[fifo, default: 0] += 1
      } else if tried.isEmpty {
        depth = lanes == 1 ? low + (high - low) / 2 : low + max(Int(Double(high - low).squareRoot()), 1)
      } else {
        let bounds = [low] + tried + [high]
        guard let widest = zip(bounds, bounds.dropFirst()).max(by: { $0.1 - $0.0 < $1.1 - $1.0 }), widest.1 - widest.0 > 1 else { continue }
        depth = widest.0 + (widest.1 - widest.0) / 2
      }
      probesStarted += 1
      running[probesStarted] = Probe(fifo: fifo, depth: depth, fromTop: fromTop)
      return (probesStarted, fifo, depth)
    }
    return nil
  }

  /// Takes in what `probe`'s run showed: a run that kept the schedule with
  /// no FIFO deeper than the best's becomes the best (its depths used are
  /// the new depths); a lost one raises its FIFO's losing depth. Running
  /// probes so decided become moot.
  private func apply(_ probe: Probe, _ run: (result: StreamSimulation.Result, trace: StreamSimulation.Trace)) {
    if run.result.frameEnds == reference {
      let used = run.result.fifoDepthsUsed.mapValues { max($0, 1) }
      if used[probe.fifo]! < depths[probe.fifo]!, used.allSatisfy({ $0.value <= depths[$0.key]! }) { (depths, best) = (used, run.trace) }
    } else if !probe.moot {
      losing[probe.fifo] = max(losing[probe.fifo, default: 0], probe.depth)
    }
    for (id, other) in running where other.depth <= losing[other.fifo, default: 0] || other.depth >= depths[other.fifo]! {
      running[id]!.moot = true
    }
  }
}
