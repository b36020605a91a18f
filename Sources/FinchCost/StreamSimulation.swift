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
  /// element index; the pipeline's depths elsewhere), stopping once frame
  /// `f` has not ended by `deadlines[f]` (when given; else after
  /// ``defaultCycleLimit`` cycles, which only a deadlock reaches).
  public func run(depths: [Int: Int] = [:], deadlines: [Int]? = nil) -> Result {
    traced(depths: depths, deadlines: deadlines).result
  }

  /// The state of a run at the start of a cycle, to resume from.
  struct Checkpoint {
    var cycle: Int
    var chain: HandshakeChain
    var driver: TestbenchDriver
    var sent: Int, received: Int
    var frameEnds: [Int]
  }

  /// What a run leaves for runs that share its beginning or its end.
  ///
  /// Checkpoints every so many cycles from cycle 1; per FIFO (stream order)
  /// the first cycle it took a word while holding `k` words (index `k`),
  /// which is where a FIFO `k` deep would first refuse one and a run with it
  /// so deep would part from this one; and per interval between checkpoints
  /// the most words each FIFO held, and held when it took one (−1: none), so
  /// a run that reaches a checkpoint in this run's state can tell whether it
  /// goes on as this one did (no FIFO whose depth differs gets that full).
  struct Trace {
    var checkpoints: [Checkpoint] = []
    var firstPush: [[Int]]
    var held: [[Int]] = [], pushed: [[Int]] = []
    /// The run's frame ends (when it ran to its end).
    var frameEnds: [Int] = []
    /// The cycle from which the run went on as its parent had, if it did.
    var joinedAt: Int?

    /// The last checkpoint before FIFO `fifo` (by stream order) `depth` words
    /// deep would first refuse a word, and this trace before it.
    func resumption(fifo: Int, depth: Int) -> (Checkpoint, Trace)? {
      let parting = depth < firstPush[fifo].count ? firstPush[fifo][depth] : Int.max
      guard let at = checkpoints.lastIndex(where: { $0.cycle <= parting }) else { return nil }
      let cycle = checkpoints[at].cycle
      let before = Trace(
        checkpoints: Array(checkpoints[..<at]), firstPush: firstPush.map { Array($0.prefix { $0 < cycle }) }, held: Array(held[..<at]),
        pushed: Array(pushed[..<at]))
      return (checkpoints[at], before)
    }

    /// Per checkpoint, per FIFO: the most of `intervals` from that checkpoint on.
    static func fromEachOn(_ intervals: [[Int]]) -> [[Int]] {
      var result = intervals
      for j in result.indices.reversed().dropFirst() { result[j] = zip(result[j], result[j + 1]).map { max($0, $1) } }
      return result
    }
  }

  /// ``run(depths:deadlines:)`` from `start` (a checkpoint and the
  /// trace before it; nil: from reset), leaving a checkpoint every
  /// `checkpointEvery` cycles (nil: none) in the trace it returns. With
  /// `parent` (the complete trace `start` came from), a run that reaches one
  /// of its checkpoints in the same state, where none of the FIFOs whose
  /// depths differ gets full in the parent's remaining run, ends there: the
  /// rest is the parent's.
  func traced(
    depths: [Int: Int], deadlines: [Int]?, from start: (Checkpoint, Trace)? = nil, parent: Trace? = nil,
    checkpointEvery: Int? = nil
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
      }
    }
    var driver = TestbenchDriver(stall: stall, seed: seed)
    var frameEnds: [Int] = []
    var (sent, received, cycle) = (0, 0, 0)
    let none = fifoElements.map { _ in -1 }
    var trace = Trace(firstPush: fifoElements.map { _ in [] })
    if let (checkpoint, before) = start {
      let configured = chain.fifoDepths
      chain = checkpoint.chain
      chain.fifoDepths = configured
      (driver, sent, received, frameEnds, cycle) = (checkpoint.driver, checkpoint.sent, checkpoint.received, checkpoint.frameEnds, checkpoint.cycle - 1)
      trace = before
    }
    let depthsRun = chain.fifoDepths
    let (parentHeld, parentPushed) = (parent.map { Trace.fromEachOn($0.held) } ?? [], parent.map { Trace.fromEachOn($0.pushed) } ?? [])
    var joined: Int?
    let inputWords = frames * (pipeline.elements.first?.inputWords ?? 1)
    let wordsPerFrame = pipeline.elements.last?.outputWords ?? 1
    let limit = deadlines?.prefix(frames).last.map { $0 + 1 } ?? defaultCycleLimit
    let n = chain.count
    // valid[i + 1] is unit i's m_tvalid, valid[0] the testbench's s_tvalid; ready[i] is unit i's s_tready, ready[n] the testbench's m_tready.
    var valid = [Bool](repeating: false, count: n + 1), ready = [Bool](repeating: false, count: n + 1)
    var held = none, pushed = none
    // Checkpoints fall on cycles 1, 1 + every, 1 + 2·every, ...
    var untilCheckpoint = checkpointEvery.map { every in ((-cycle) % every + every) % every } ?? -1
    let template = chain
    chain.withUnits { units in
      valid.withUnsafeMutableBufferPointer { valid in
        ready.withUnsafeMutableBufferPointer { ready in
          while frameEnds.count < frames && cycle < limit {
            cycle += 1
            if untilCheckpoint == 0, let every = checkpointEvery {
              // Close the interval of the last checkpoint (one a resumed run starts from is closed already).
              if trace.held.count < trace.checkpoints.count {
                (trace.held, trace.pushed, held, pushed) = (trace.held + [held], trace.pushed + [pushed], none, none)
              }
              let j = trace.checkpoints.count
              if let parent, j < parent.checkpoints.count, j < parentHeld.count {
                let theirs = parent.checkpoints[j]
                let safe = zip(depthsRun, zip(theirs.chain.fifoDepths, parentHeld[j])).allSatisfy { $0 == $1.0 || $1.1 < min($0, $1.0) }
                if safe && theirs.driver == driver && (theirs.sent, theirs.received) == (sent, received) && theirs.frameEnds == frameEnds
                  && units.sameState(as: theirs.chain)
                {
                  joined = j
                  break
                }
              }
              trace.checkpoints.append(
                Checkpoint(cycle: cycle, chain: units.snapshot(template), driver: driver, sent: sent, received: received, frameEnds: frameEnds))
              untilCheckpoint = every
            }
            untilCheckpoint -= 1
            valid[0] = driver.inputValid
            ready[n] = driver.outputReady
            for i in stride(from: n - 1, through: 0, by: -1) {
              valid[i + 1] = units.outputValid(i)
              ready[i] = units.inputReady(i, outputReady: ready[i + 1])
            }
            for f in fifoUnits.indices {
              let u = fifoUnits[f], count = units.fifoCount(unit: u)
              if count > held[f] { held[f] = count }
              guard valid[u] && ready[u] else { continue }
              if count > pushed[f] { pushed[f] = count }
              if count == trace.firstPush[f].count { trace.firstPush[f].append(cycle) }
            }
            for i in 0..<n { units.step(i, inputValid: valid[i], inputReady: ready[i], outputValid: valid[i + 1], outputReady: ready[i + 1]) }
            if valid[n] && ready[n] {
              received += 1
              if received % wordsPerFrame == 0 { frameEnds.append(cycle) }
            }
            if valid[0] && ready[0] { sent += 1 }
            driver.clock(inputAccepted: valid[0] && ready[0], moreInput: sent < inputWords)
            // The next frame has not ended by its deadline: it is late.
            if let deadlines, frameEnds.count < min(deadlines.count, frames), cycle >= deadlines[frameEnds.count] { break }
          }
        }
      }
    }
    if let j = joined, let parent {
      // From checkpoint j on this run is the parent's: its checkpoints, intervals and frame ends; a FIFO first
      // reaches a count after cycle c where the parent first reached it, if the parent did so after c, else from c on.
      let c = parent.checkpoints[j].cycle
      trace.joinedAt = c
      trace.checkpoints += parent.checkpoints[j...]
      (trace.held, trace.pushed) = (trace.held + parent.held[j...], trace.pushed + parent.pushed[j...])
      for f in trace.firstPush.indices where parentPushed[j][f] >= trace.firstPush[f].count {
        let theirs = parent.firstPush[f]
        trace.firstPush[f] += (trace.firstPush[f].count...parentPushed[j][f]).map { k in k < theirs.count && theirs[k] >= c ? theirs[k] : c }
      }
      frameEnds = parent.frameEnds
    } else if trace.held.count < trace.checkpoints.count {
      (trace.held, trace.pushed) = (trace.held + [held], trace.pushed + [pushed])
    }
    trace.frameEnds = frameEnds
    let used = Dictionary(uniqueKeysWithValues: zip(fifoElements, trace.firstPush.map(\.count)))
    return (Result(frameEnds: frameEnds, fifoDepthsUsed: used, completed: frameEnds.count == frames), trace)
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
