/// A cycle-by-cycle simulation of a pipeline's stream handshakes: the
/// handshake of every module (``HandshakeChain``), chained as the stitcher chains the
/// modules, fed and drained as finch_tb.v feeds and drains `finch_top`
/// (input words offered back to back, output always taken, or both dropped
/// at random with the testbench's own LFSR). No data moves, so a cycle costs
/// a few counters per module: three frames of the full-size CNV (220,000
/// cycles) take under a tenth of a second, against some 30 s to build and run
/// them in Verilator, and its output cycles are Verilator's, cycle for cycle
/// (FinchRTLTests check it on every design they simulate).
/// ``FIFOSizing/minimalDepths(of:frames:workLimit:)`` searches FIFO depths with it.
public struct StreamSimulation: Sendable {
  /// What a run shows.
  public struct Result: Sendable, Equatable {
    /// The cycle each frame's last output word left, for the frames that
    /// completed (finch_tb's count: cycle 1 is the first after reset).
    public var frameEnds: [Int]
    /// Per FIFO, by element index: one more than the most words it held
    /// when it took a word, so the least depth that runs the same schedule.
    public var fifoDepthsUsed: [Int: Int]
    /// Whether every frame completed (else the run hit its cycle limit: a
    /// deadlock, or a frame later than the run allowed).
    public var completed: Bool
    /// Per FIFO that refused a word its producer offered (it was full), by
    /// element index: the first cycle it did. Recorded for pipelines that
    /// branch, where a FIFO too shallow on a path that reconverges starves
    /// the other path (``blockingFIFO(_:reference:)`` names it).
    public var firstRefusals: [Int: Int] = [:]
  }

  /// The FIFO that made `run` slower than `reference` (a run of the same
  /// pipeline with deeper FIFOs) and how, for a person to read: the FIFO
  /// that refused a word first where the reference's did not (yet), with the
  /// edge it sits on and whether `run` deadlocked or ended a frame late; nil
  /// when `run` kept the reference's schedule (or recorded no refusals).
  public func blockingFIFO(_ run: Result, reference: Result) -> String? {
    guard run.frameEnds != reference.frameEnds else { return nil }
    let culprits = run.firstRefusals.filter { f, cycle in reference.firstRefusals[f].map { cycle < $0 } ?? true }
    guard let (f, cycle) = culprits.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { return nil }
    let e = pipeline.elements[f], readers = pipeline.readers
    let from = e.sources.first.map { pipeline.elements[$0.element].name } ?? "the input"
    let to = readers[.init(element: f)].map { "'\(pipeline.elements[$0.element].name)' (input \($0.input))" } ?? "the output"
    let late = run.frameEnds.indices.first { $0 >= reference.frameEnds.count || run.frameEnds[$0] != reference.frameEnds[$0] } ?? run.frameEnds.count
    let how =
      late < run.frameEnds.count && late < reference.frameEnds.count
      ? "frame \(late) ends in cycle \(run.frameEnds[late]), not \(reference.frameEnds[late])" : "deadlock: frame \(late) never ends"
    return "\(how); FIFO '\(e.name)' on the edge '\(from)' -> \(to) was full in cycle \(cycle), first among the FIFOs that filled where the reference's did not"
  }

  /// The simulated pipeline.
  public let pipeline: DataflowPipeline
  /// Frames streamed in.
  public var frames: Int
  /// finch_tb's `+stall`: in 1024, the chance a cycle drops the input's valid or the output's ready (0: never).
  public var stall = 0
  /// finch_tb's `+seed`.
  public var seed = 1

  public init(_ pipeline: DataflowPipeline, frames: Int) {
    self.pipeline = pipeline
    self.frames = max(frames, 1)
  }

  /// Runs the simulation with the FIFOs as deep as `depths` says (by
  /// element index; the pipeline's depths elsewhere; a pipeline that
  /// branches in ``GraphStreamSimulation``), stopping once frame
  /// `f` has not ended by `deadlines[f]` (when given; else after
  /// ``defaultCycleLimit`` cycles, which only a deadlock reaches).
  public func run(depths: [Int: Int] = [:], deadlines: [Int]? = nil) -> Result {
    guard pipeline.isChain else {
      var graph = GraphStreamSimulation(pipeline, depths: depths)
      return graph.run(frames: frames, stall: stall, seed: seed, deadlines: deadlines, limit: defaultCycleLimit)
    }
    return traced(depths: depths, deadlines: deadlines).result
  }

  /// ``run(depths:deadlines:)`` from `start` (a checkpoint and the
  /// trace before it; nil: from reset), leaving a checkpoint every
  /// `checkpointEvery` cycles (nil: none) in the trace it returns. With
  /// `parent` (the complete trace `start` came from), a run that reaches one
  /// of its checkpoints in the same state, where none of the FIFOs whose
  /// depths differ gets full in the parent's remaining run, ends there: the
  /// rest is the parent's.
  ///
  /// With `replaying` (a FIFO by stream order, the only one whose depth
  /// differs from the parent's; checkpoints required), the run simulates the
  /// units up to that FIFO only and replays its consumer's `s_tready` from
  /// the parent, as long as the FIFO gives words in the cycles it gave them
  /// there (everything downstream then runs as in the parent); from the
  /// first cycle it would not, the run goes on from its last checkpoint
  /// replaying the next FIFO's consumer instead (most differences die out
  /// a few layers on), and in full after the last FIFO. Only the FIFOs
  /// (stream order) in `recording` have their output handshakes recorded
  /// for runs that replay this one. A run whose `stop` says so at a
  /// checkpoint ends there, incomplete. At each checkpoint, units at rest
  /// (``HandshakeChain/Units/isAtRest(_:)``) that get no input drop out of
  /// the simulation: those from the first on once the input has ended, and
  /// those no word has reached yet, until the unit before them offers one.
  func traced(
    depths: [Int: Int], deadlines: [Int]?, from start: (Checkpoint, Trace)? = nil, parent: Trace? = nil,
    checkpointEvery: Int? = nil, replaying probed: Int? = nil, recording recorded: [Int] = [], until stop: (() -> Bool)? = nil
  ) -> (result: Result, trace: Trace) {
    var chain = HandshakeChain()
    var fifoElements: [Int] = [], fifoUnits: [Int] = []
    for (i, e) in pipeline.elements.enumerated() {
      switch e.kind {
      case .fifo(let depth):
        fifoElements.append(i)
        fifoUnits.append(chain.count)
        chain.append(FIFOHandshake(depth: depths[i] ?? depth))
      case .dwc:
        chain.append(DWCHandshake(inputBits: e.input.wordBits, outputBits: e.output.wordBits))
      case .layer(let l):
        Self.append(pipeline.layers[l], pipeline.folding.foldings[l], to: &chain)
      case .dup:
        preconditionFailure("a chain has no fan-out: GraphStreamSimulation runs pipelines that branch")
      }
    }
    let fifoCount = fifoUnits.count, n = chain.count
    let none = fifoElements.map { _ in -1 }
    var trace = Trace(firstPush: fifoElements.map { _ in [] }, outputs: OutputRecord(fifos: fifoCount))
    var state = RunState(driver: TestbenchDriver(stall: stall, seed: seed), held: none, pushed: none, firstPush: [])
    if let (checkpoint, before) = start {
      let configured = chain.fifoDepths
      chain = checkpoint.chain
      chain.fifoDepths = configured
      (state.driver, state.sent, state.received, state.frameEnds) = (checkpoint.driver, checkpoint.sent, checkpoint.received, checkpoint.frameEnds)
      state.cycle = checkpoint.cycle - 1
      trace = before
    }
    (state.firstPush, trace.firstPush) = (trace.firstPush, [])
    let depthsRun = chain.fifoDepths
    let (parentHeld, parentPushed) = (parent.map { Trace.fromEachOn($0.held) } ?? [], parent.map { Trace.fromEachOn($0.pushed) } ?? [])
    var joined: Int?, stopped = false
    let limit = deadlines?.prefix(frames).last.map { $0 + 1 } ?? defaultCycleLimit
    var outputs = trace.outputs
    trace.outputs = OutputRecord(fifos: fifoCount)
    if !recorded.isEmpty { outputs.reserve(cycles: limit) }
    outputs.recorded = Set(recorded)
    var plan = StretchPlan(
      end: n, quiet: n, n: n, fifos: fifoCount, fifoUnits: fifoUnits, recorded: recorded, replayed: nil, frames: frames,
      inputWords: frames * (pipeline.elements.first?.inputWords ?? 1), wordsPerFrame: pipeline.elements.last?.outputWords ?? 1,
      deadlines: deadlines, recordStride: outputs.stride)
    var fullPlan = plan
    // While replaying, the plan simulates the units up to the probed FIFO, and the FIFOs up to it.
    if let probed, let parent, parent.frameEnds.count == frames {
      precondition(start != nil && checkpointEvery != nil, "a replaying run resumes from a checkpoint and leaves checkpoints")
      precondition(parent.outputs.recorded.contains(probed), "a replayed FIFO's outputs are recorded")
      plan = fullPlan.replaying(probed, until: parent.frameEnds.last!)
    }
    let theirOutputs = parent?.outputs.words ?? []
    var valid = [Bool](repeating: false, count: n + 1), ready = [Bool](repeating: false, count: n + 1)
    let template = chain
    chain.withUnits { units in
      valid.withUnsafeMutableBufferPointer { valid in
        ready.withUnsafeMutableBufferPointer { ready in
          outputs.withWords { record in
            theirOutputs.withUnsafeBufferPointer { theirs in
              while state.frameEnds.count < frames && state.cycle < limit {
                var cycles = limit - state.cycle
                if let every = checkpointEvery {
                  // Checkpoints fall on cycles 1, 1 + every, 1 + 2·every, ...
                  let cycle = state.cycle + 1, sinceCheckpoint = (cycle - 1) % every
                  cycles = min(cycles, every - sinceCheckpoint)
                  if sinceCheckpoint == 0 {
                    if let stop, stop() {
                      stopped = true
                      break
                    }
                    let replayed = plan.replayed != nil
                    // Close the interval of the last checkpoint (one a resumed run starts from is closed already).
                    if trace.held.count < trace.checkpoints.count {
                      Self.closeInterval(&trace, &state, none: none, downstream: replayed ? parent : nil, from: plan.fifos)
                    }
                    let j = trace.checkpoints.count
                    let theirs = parent.flatMap { j < $0.checkpoints.count ? $0.checkpoints[j] : nil }
                    var snapshot = units.snapshot(template)
                    var (received, frameEnds) = (state.received, state.frameEnds)
                    if replayed {
                      guard let theirs else { preconditionFailure("a replaying run outlasted its parent") }
                      snapshot.adopt(unitsFrom: plan.end, of: theirs.chain)
                      (received, frameEnds) = (theirs.received, theirs.frameEnds)
                    }
                    if let theirs, j < parentHeld.count {
                      let safe = zip(depthsRun, zip(theirs.chain.fifoDepths, parentHeld[j])).allSatisfy { $0 == $1.0 || $1.1 < min($0, $1.0) }
                      if safe && theirs.driver == state.driver && (theirs.sent, theirs.received) == (state.sent, received)
                        && theirs.frameEnds == frameEnds && units.sameState(as: theirs.chain, units: plan.end)
                      {
                        joined = j
                        break
                      }
                    }
                    trace.checkpoints.append(
                      Checkpoint(cycle: cycle, chain: snapshot, driver: state.driver, sent: state.sent, received: received, frameEnds: frameEnds))
                    // Units at rest that get no input stay so, with the s_tready they have now: from the first on once
                    // the input has ended (for good), and those no word has reached yet, up to the last simulated, while
                    // the unit before them offers nothing.
                    func freeze(_ rest: Range<Int>) { for i in rest { ready[i] = units.inputReady(i, outputReady: false) } }
                    if state.sent == plan.inputWords && !state.driver.inputValid {
                      var rest = plan.start
                      while rest < plan.end && units.isAtRest(rest) { rest += 1 }
                      freeze(plan.start..<rest)
                      (plan.start, fullPlan.start) = (rest, rest)
                    }
                    var quiet = plan.end
                    while quiet - 1 > plan.start && units.isAtRest(quiet - 1) { quiet -= 1 }
                    if quiet < plan.end && !units.outputValid(quiet - 1) {
                      freeze(quiet..<plan.end)
                      plan.quiet = quiet
                      if !replayed { fullPlan.quiet = quiet }
                    }
                  }
                }
                let stretchEnd = Self.stretch(
                  &state, units, plan: plan, cycles: cycles, valid: valid, ready: ready, record: record, parentRecord: theirs)
                switch stretchEnd {
                case .ran: continue
                case .ended: break
                case .reached:
                  (plan.quiet, fullPlan.quiet) = (n, n)
                  continue
                case .diverged:
                  // The replayed FIFO gives a word in another cycle than in the parent: go on from the last checkpoint
                  // replaying the next FIFO (or in full after the last).
                  let back = trace.checkpoints.removeLast()
                  units.restore(back.chain)
                  (state.driver, state.sent, state.received, state.frameEnds) = (back.driver, back.sent, back.received, back.frameEnds)
                  (state.cycle, state.held, state.pushed) = (back.cycle - 1, none, none)
                  for f in 0..<plan.fifos { state.firstPush[f] = Array(state.firstPush[f].prefix { $0 < back.cycle }) }
                  Self.endReplay(&state, parent: parent, from: plan.fifos, before: back.cycle)
                  if let (fifo, lastCycle) = plan.replayed, fifo + 1 < fifoCount, parent?.outputs.recorded.contains(fifo + 1) == true {
                    // Replay from the next FIFO's consumer on: the difference may end there.
                    plan = fullPlan.replaying(fifo + 1, until: lastCycle)
                  } else {
                    plan = fullPlan
                  }
                  continue
                }
                break
              }
            }
          }
        }
      }
    }
    trace.outputs = outputs
    var frameEnds = state.frameEnds
    if let j = joined, let parent {
      // From checkpoint j on this run is the parent's: its checkpoints, intervals and frame ends; a FIFO first
      // reaches a count after cycle c where the parent first reached it, if the parent did so after c, else from c on.
      let c = parent.checkpoints[j].cycle
      if plan.replayed != nil { Self.endReplay(&state, parent: parent, from: plan.fifos, before: c) }
      trace.joinedAt = c
      trace.checkpoints += parent.checkpoints[j...]
      (trace.held, trace.pushed) = (trace.held + parent.held[j...], trace.pushed + parent.pushed[j...])
      for f in state.firstPush.indices where parentPushed[j][f] >= state.firstPush[f].count {
        let theirs = parent.firstPush[f]
        state.firstPush[f] += (state.firstPush[f].count...parentPushed[j][f]).map { k in k < theirs.count && theirs[k] >= c ? theirs[k] : c }
      }
      frameEnds = parent.frameEnds
    } else {
      let replayed = plan.replayed != nil
      if trace.held.count < trace.checkpoints.count {
        Self.closeInterval(&trace, &state, none: none, downstream: replayed ? parent : nil, from: plan.fifos)
      }
      if replayed, !stopped, let parent {
        Self.endReplay(&state, parent: parent, from: plan.fifos, before: state.cycle + 1)
        frameEnds = parent.frameEnds
      }
    }
    (trace.frameEnds, trace.firstPush) = (frameEnds, state.firstPush)
    let used = Dictionary(uniqueKeysWithValues: zip(fifoElements, trace.firstPush.map(\.count)))
    return (Result(frameEnds: frameEnds, fifoDepthsUsed: used, completed: frameEnds.count == frames), trace)
  }

  /// Closes the interval since the last checkpoint in `trace` with the most
  /// each FIFO held and took a word at in `state`, those from FIFO `first`
  /// on the `downstream` parent's (a replaying run), and starts the next.
  private static func closeInterval(_ trace: inout Trace, _ state: inout RunState, none: [Int], downstream parent: Trace?, from first: Int) {
    if let parent {
      let k = trace.held.count
      for f in first..<state.held.count { (state.held[f], state.pushed[f]) = (parent.held[k][f], parent.pushed[k][f]) }
    }
    (trace.held, trace.pushed, state.held, state.pushed) = (trace.held + [state.held], trace.pushed + [state.pushed], none, none)
  }

  /// Ends a replay of `parent` at `cycle`: the first pushes of FIFOs from `first` on before it are the parent's.
  private static func endReplay(_ state: inout RunState, parent: Trace?, from first: Int, before cycle: Int) {
    guard let parent else { return }
    for f in first..<state.firstPush.count { state.firstPush[f] = Array(parent.firstPush[f].prefix { $0 < cycle }) }
  }

  /// Cycles after which a run without deadlines gives up: four times what
  /// the latency model expects for all frames, plus a margin.
  var defaultCycleLimit: Int {
    let latency = LatencyEstimate(pipeline)
    return 4 * (latency.firstFrameCycles + frames * latency.periodCycles) + 10_000
  }

  /// Appends the units of `layer` at `folding`: one per module, two for a windowed max-pool.
  static func append(_ layer: HardwareLayer, _ folding: LayerFolding, to chain: inout HandshakeChain) {
    let (pe, simd) = (max(folding.pe, 1), max(folding.simd, 1))
    switch layer.kind {
    case .mvau:
      let sf = layer.mw / simd
      chain.append(
        MVAUHandshake(
          sf: sf, nf: layer.mh / pe, latency: StartupProfile.mvauPipelineCycles(simd: simd, thresholds: layer.thresholds),
          fifoDepth: StartupProfile.mvauOutputFIFODepth(sf: sf, simd: simd, thresholds: layer.thresholds)))
    case .swu: chain.append(SWUHandshake(layer, simd: simd))
    case .thresholding: chain.append(ThresholdingHandshake())
    case .streamingMaxPool:
      if let (windows, reduce) = layer.windowedPoolParts {
        chain.append(SWUHandshake(windows, simd: pe))
        chain.append(MaxPoolHandshake(reduce, pe: pe))
      } else {
        chain.append(MaxPoolHandshake(layer, pe: pe))
      }
    case .labelSelect: chain.append(LabelSelectHandshake(words: layer.channels / pe, k: layer.k))
    case .globalAccPool: chain.append(AccumulatorHandshake(pixels: layer.vectors, groups: layer.channels / pe))
    case .vvau: chain.append(AccumulatorHandshake(pixels: layer.mw, groups: layer.channels / pe))
    case .addStreams, .streamingConcat: preconditionFailure("a layer reading two streams is a node of GraphStreamSimulation")
    }
  }
}

/// finch_tb.v's stream ends: `s_tvalid` and `m_tready` registers, set each
/// cycle from its 32-bit LFSR (taps 31, 21, 1, 0; `2545F491 ^ seed`).
struct TestbenchDriver: Equatable {
  let stall: UInt32
  private var lfsr: UInt32
  /// `s_tvalid` and `m_tready` this cycle.
  private(set) var inputValid = false, outputReady = false

  init(stall: Int, seed: Int) {
    self.stall = UInt32(truncatingIfNeeded: stall) & 0x3FF
    lfsr = 0x2545_F491 ^ UInt32(truncatingIfNeeded: seed)
  }

  /// The clock edge: a new word is offered unless the current one waits, while words remain and the LFSR allows.
  mutating func clock(inputAccepted: Bool, moreInput: Bool) {
    let feedback = (lfsr >> 31) ^ (lfsr >> 21) ^ (lfsr >> 1) ^ lfsr
    lfsr = (lfsr << 1) | (feedback & 1)
    if !(inputValid && !inputAccepted) { inputValid = moreInput && (stall == 0 || lfsr & 0x3FF >= stall) }
    outputReady = stall == 0 || (lfsr >> 10) & 0x3FF >= stall
  }
}
