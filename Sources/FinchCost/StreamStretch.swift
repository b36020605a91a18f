extension StreamSimulation {
  /// A run's state between stretches of cycles (the units aside).
  struct RunState {
    var cycle = 0, sent = 0, received = 0
    var driver: TestbenchDriver
    var frameEnds: [Int] = []
    /// Per FIFO (stream order), the most words it held, and held when it took one, since the last checkpoint (−1: none).
    var held: [Int], pushed: [Int]
    /// Per FIFO, the first cycle it took a word while holding `k` words (index `k`).
    var firstPush: [[Int]]
  }

  /// What stays the same through a stretch: the units simulated and how their ends are driven.
  struct StretchPlan {
    /// Units simulated (`start..<min(end, quiet)`: those before `start` are at rest for good, those from `quiet` on at
    /// rest until the unit before them offers a word), the chain's units (`n`), and the FIFOs simulated (`0..<fifos`,
    /// stream order).
    var start = 0, end: Int, quiet: Int, n: Int, fifos: Int
    /// Each FIFO's unit.
    var fifoUnits: [Int]
    /// The FIFOs whose output handshakes are recorded (among those simulated).
    var recorded: [Int]
    /// While replaying: the FIFO (stream order) whose consumer the parent's record drives, and the parent's last cycle.
    var replayed: (fifo: Int, lastCycle: Int)?
    var frames: Int, inputWords: Int, wordsPerFrame: Int
    var deadlines: [Int]?
    var recordStride: Int

    /// This plan (one simulating every unit) cut at FIFO `fifo`: the units
    /// up to it simulated, its consumer replayed from a parent whose run
    /// ends at `lastCycle`.
    func replaying(_ fifo: Int, until lastCycle: Int) -> StretchPlan {
      var plan = self
      (plan.end, plan.fifos, plan.replayed) = (fifoUnits[fifo] + 1, fifo + 1, (fifo, lastCycle))
      plan.recorded = recorded.filter { $0 <= fifo }
      return plan
    }
  }

  /// What ended a stretch.
  enum StretchEnd {
    /// The cycles asked for ran.
    case ran
    /// The run ended: every frame out, a frame late, or a replay at its parent's end.
    case ended
    /// While replaying, the replayed FIFO would give a word in another cycle than in the parent (at the state's cycle + 1).
    case diverged
    /// A word is offered to the quiet units: they are simulated again from the next cycle.
    case reached
  }

  /// Runs up to `cycles` cycles of `units` from `state` as `plan` says:
  /// each cycle reads every unit's `s_tready` from the last unit back, then
  /// clocks them all, which gives their `m_tvalid` for the next; records
  /// FIFO fill and output handshakes. `valid[i + 1]` is unit i's `m_tvalid`, `valid[0]` the
  /// testbench's `s_tvalid`; `ready[i]` is unit i's `s_tready`, `ready[n]`
  /// the testbench's `m_tready`.
  static func stretch(
    _ state: inout RunState, _ units: HandshakeChain.Units, plan: StretchPlan, cycles: Int, valid: UnsafeMutableBufferPointer<Bool>,
    ready: UnsafeMutableBufferPointer<Bool>, record: UnsafeMutableBufferPointer<UInt64>, parentRecord: UnsafeBufferPointer<UInt64>
  ) -> StretchEnd {
    let (start, end, n) = (plan.start, plan.end, plan.n)
    let top = min(end, plan.quiet)
    var (cycle, sent, received, driver) = (state.cycle, state.sent, state.received, state.driver)
    var (held, pushed, firstPush, frameEnds) = (state.held, state.pushed, state.firstPush, state.frameEnds)
    (state.held, state.pushed, state.firstPush, state.frameEnds) = ([], [], [], [])
    defer {
      (state.cycle, state.sent, state.received, state.driver) = (cycle, sent, received, driver)
      (state.held, state.pushed, state.firstPush, state.frameEnds) = (held, pushed, firstPush, frameEnds)
    }
    // Per FIFO, the count at which it first takes a word holding more than ever.
    var reached = firstPush.map(\.count)
    // FIFOs among the units at rest (before `start`, or from `top` to `end`) hold and take nothing. Where their
    // consumer is at rest too, its s_tready stays as it is, so their outputs are recorded once for the whole stretch.
    let busy = plan.fifoUnits.prefix { $0 < start }.count, awake = plan.fifoUnits[..<plan.fifos].prefix { $0 < top }.count
    for f in Array(0..<busy) + Array(awake..<plan.fifos) where held[f] < 0 { held[f] = 0 }
    let resting = { (f: Int) in plan.fifoUnits[f] + 1 < start || (plan.fifoUnits[f] >= top && plan.fifoUnits[f] + 1 < end) }
    let (restingRecorded, recording) = (plan.recorded.filter(resting), plan.recorded.filter { !resting($0) })
    let first = cycle + 1
    defer {
      for f in restingRecorded { OutputRecord.fill(f, ready: ready[plan.fifoUnits[f] + 1], cycles: first..<cycle + 1, stride: plan.recordStride, in: record) }
    }
    return held.withUnsafeMutableBufferPointer { held in
      pushed.withUnsafeMutableBufferPointer { pushed in
        reached.withUnsafeMutableBufferPointer { reached in
          plan.fifoUnits.withUnsafeBufferPointer { fifoUnits in
            recording.withUnsafeBufferPointer { recorded in
              for i in 0..<end { valid[i + 1] = units.outputValid(i) }
              for _ in 0..<cycles {
                let at = OutputRecord.Cursor(cycle: cycle + 1, stride: plan.recordStride)
                valid[0] = driver.inputValid
                if let replayed = plan.replayed { ready[end] = at.ready(replayed.fifo, in: parentRecord) } else { ready[n] = driver.outputReady }
                for i in stride(from: top - 1, through: start, by: -1) { ready[i] = units.inputReady(i, outputReady: ready[i + 1]) }
                if let replayed = plan.replayed, ready[end] && valid[end] != at.taken(replayed.fifo, in: parentRecord) { return .diverged }
                cycle += 1
                for f in busy..<awake {
                  let u = fifoUnits[f], count = units.fifoCount(f)
                  if count > held[f] { held[f] = count }
                  guard valid[u] && ready[u] else { continue }
                  if count > pushed[f] { pushed[f] = count }
                  if count == reached[f] {
                    firstPush[f].append(cycle)
                    reached[f] += 1
                  }
                }
                for f in recorded {
                  let u = fifoUnits[f]
                  at.set(f, ready: ready[u + 1], taken: valid[u + 1] && ready[u + 1], in: record)
                }
                let wordOut = valid[n] && ready[n]
                var inputValid = valid[start]
                for i in start..<top {
                  let outputValid = valid[i + 1]
                  valid[i + 1] = units.step(i, inputValid: inputValid, inputReady: ready[i], outputValid: outputValid, outputReady: ready[i + 1])
                  inputValid = outputValid
                }
                if valid[0] && ready[0] { sent += 1 }
                driver.clock(inputAccepted: valid[0] && ready[0], moreInput: sent < plan.inputWords)
                let reached = top < end && valid[top]
                if let replayed = plan.replayed {
                  // Downstream ran as in the parent, to its end.
                  if cycle >= replayed.lastCycle { return .ended }
                  if reached { return .reached }
                  continue
                }
                if wordOut {
                  received += 1
                  if received % plan.wordsPerFrame == 0 {
                    frameEnds.append(cycle)
                    if frameEnds.count == plan.frames { return .ended }
                  }
                }
                // The next frame has not ended by its deadline: it is late.
                if let deadlines = plan.deadlines, frameEnds.count < deadlines.count, cycle >= deadlines[frameEnds.count] { return .ended }
                if reached { return .reached }
              }
              return .ran
            }
          }
        }
      }
    }
  }
}
