import Foundation

/// FIFO depths from the schedule, two ways.
///
/// ``minimalDepths(of:frames:workLimit:)`` gives a design its FIFOs: the least depths
/// at which ``StreamSimulation`` (cycle for cycle what Verilator shows) ends
/// every frame when FIFOs that never fill would; one word less in any FIFO
/// ends a frame later.
///
/// ``depths(of:latency:)`` is a bound read off the latency model in
/// microseconds, which the folding solver prices its candidates with: each
/// FIFO holds the most words its producer can be ahead of what its consumer
/// is able to take, when every element runs the steady-state schedule of
/// ``LatencyEstimate`` (frames entering at the pipeline's period). A FIFO that
/// deep never blocks its producer while the producer keeps to that schedule.
///
/// Per FIFO, both sides of the bound are the latency model's per-frame stream
/// timings, repeated every period:
/// - the producer offers the frame's `W` words evenly from its first to its
///   last output word (``StreamTiming``);
/// - the consumer can have taken at most what its ``StartupProfile`` needs for
///   the outputs it has produced: nothing of a frame before its previous
///   frame's last output, then its start-up words until its first output,
///   then rising evenly to the word its last output waits for, all `W` after
///   its last output.
///
/// The occupancy is the largest gap between the two cumulative curves (summed
/// over overlapping frames), found at their corners. To it come the words
/// the linear curves hide: an MVAU of several vectors takes a vector's
/// `SF = MW/SIMD` words only in its first of `NF` neuron folds, so its real
/// intake lags the line by up to `SF·(NF-1)/NF` words; and ``handshakeWords``
/// for the registered handshakes. On the full-size CNV it is several times
/// the minimum (the consumer's need is its lower limit on intake: an SWU
/// takes a row ahead, a max-pool a word per cycle).
public enum FIFOSizing {
  /// Words added to every FIFO for the cycle a full flag and a producer's
  /// output register take to react.
  public static let handshakeWords = 2

  /// The bound on the depth of every FIFO of `pipeline`, by element index,
  /// from the steady-state schedule of `latency` (``LatencyEstimate`` of `pipeline`).
  public static func depths(of pipeline: DataflowPipeline, latency: LatencyEstimate) -> [Int: Int] {
    var result: [Int: Int] = [:]
    let timings = latency.steadyStateElements
    let readers = pipeline.readers
    for (i, e) in pipeline.elements.enumerated() {
      guard case .fifo = e.kind, let producer = e.sources.first, let reader = readers[.init(element: i)]?.element else { continue }
      let consumer = pipeline.elements[reader]
      let profile = StartupProfile(consumer, in: pipeline)
      let gap = occupancy(
        producer: timings[producer.element], consumer: timings[reader], profile: profile, words: e.inputWords,
        period: Double(latency.periodCycles))
      result[i] = Int(gap.rounded(.up)) + intakeLag(consumer, in: pipeline) + handshakeWords
    }
    return result
  }

  /// The least depth of every FIFO of `pipeline` (by element index) at which
  /// `frames` frames fed back to back end in the same cycles as with FIFOs
  /// that never fill, in ``StreamSimulation``: the first frame's latency and
  /// the rate kept, and each FIFO one word shallower (the others as chosen)
  /// would end a frame later. Every run that keeps the schedule also shows
  /// the depth each FIFO used in it, which becomes its depth; then the FIFOs,
  /// the largest memory first, are searched between the deepest depth known
  /// to lose and the depth known to keep, a probe per core at once
  /// (``FIFODepthSearch``: a core that comes free starts the next probe, of
  /// the next FIFO while the last of one runs). A probe starts from the best
  /// run's last checkpoint before its FIFO would first refuse a word there
  /// (the runs agree until then), simulates only the units up to the first
  /// FIFO whose consumer sees other cycles than in the best run (replaying
  /// the rest from it) and none of those at rest for good once the input has
  /// ended, ends early once it is back in the best run's state at a
  /// checkpoint (the rest is the best run's, as long as its FIFO never gets
  /// that full there) and stops at its first late frame, or once others'
  /// outcomes decide its own.
  ///
  /// A design that branches (``GraphStreamSimulation``, no checkpoints) is
  /// not searched: its FIFOs take the latency model's bound where a run at
  /// those depths keeps the schedule, else the depths the unbounded run used.
  ///
  /// Nil when one run would simulate more than `workLimit` unit-cycles
  /// (cycles the latency model expects times modules; the full-size CNV at
  /// 3,000 frames/s is about 9 million, its search some 70 probes, most of
  /// them short).
  public static func minimalDepths(of pipeline: DataflowPipeline, frames: Int = 3, workLimit: Int = 30_000_000) -> [Int: Int]? {
    let fifos = pipeline.fifoDepths.keys.sorted()
    guard !fifos.isEmpty else { return [:] }
    let latency = LatencyEstimate(pipeline)
    let expected = Double(latency.firstFrameCycles) + Double(frames - 1) * Double(latency.periodCycles)
    guard expected * Double(pipeline.elements.count + pipeline.layers.count) <= Double(workLimit) else { return nil }
    let simulation = StreamSimulation(pipeline, frames: frames)
    guard pipeline.isChain else {
      // A graph's FIFOs: the depths a run with FIFOs that never fill used (the same schedule), or the schedule's
      // bound where it is shallower and a run at those depths keeps the schedule; searched no further.
      let unbounded = simulation.run(depths: Dictionary(uniqueKeysWithValues: fifos.map { ($0, Int.max) }))
      guard unbounded.completed else { return nil }
      let used = unbounded.fifoDepthsUsed.mapValues { max($0, 1) }
      let bound = depths(of: pipeline, latency: latency).merging(used) { min($0, $1) }
      return simulation.run(depths: bound).frameEnds == unbounded.frameEnds ? bound : used
    }
    let every = max(Int(expected) / 128, 256)
    let unbounded = simulation.traced(
      depths: Dictionary(uniqueKeysWithValues: fifos.map { ($0, Int.max) }), deadlines: nil, checkpointEvery: every,
      recording: Array(fifos.indices))
    let reference = unbounded.result
    guard reference.completed else { return nil }
    let lanes = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
    let memory = { (i: Int) in max(reference.fifoDepthsUsed[i]!, 1) * pipeline.elements[i].input.wordBits }
    let order = fifos.sorted { memory($0) > memory($1) }
    return FIFODepthSearch(simulation, fifos: fifos, order: order, unbounded: unbounded, every: every, lanes: lanes).run()
  }

  /// Words by which `consumer`'s real intake can lag its even need: for an
  /// MVAU of several vectors `SF·(NF-1)/NF` (it takes a vector only in its
  /// first neuron fold), else none.
  static func intakeLag(_ consumer: DataflowPipeline.Element, in pipeline: DataflowPipeline) -> Int {
    guard case .layer(let l) = consumer.kind else { return 0 }
    return intakeLag(pipeline.layers[l], pipeline.folding.foldings[l])
  }

  /// ``intakeLag(_:in:)`` of `layer` at `folding`.
  static func intakeLag(_ layer: HardwareLayer, _ folding: LayerFolding) -> Int {
    guard layer.kind == .mvau, layer.vectors > 1 else { return 0 }
    let (sf, nf) = (layer.mw / max(folding.simd, 1), layer.mh / max(folding.pe, 1))
    return divUp(sf * (nf - 1), nf)
  }

  /// The depth of a FIFO in front of `layer` at `folding` that its producer
  /// never needs: the intake lag and the handshake words, what ``depths(of:latency:)``
  /// adds to any schedule's gap (the solver's price for the FIFO, which only
  /// the whole pipeline's schedule sizes).
  public static func intakeDepth(_ layer: HardwareLayer, _ folding: LayerFolding) -> Int {
    intakeLag(layer, folding) + handshakeWords
  }

  /// The largest number of words a producer offering a frame's `words` as
  /// `producer` says is ahead of a consumer whose outputs pass as `consumer`
  /// says and who needs its input as `profile` says, frames repeating every
  /// `period` cycles.
  public static func occupancy(
    producer: StreamTiming, consumer: StreamTiming, profile: StartupProfile, words: Int, period: Double
  ) -> Double {
    let w = Double(words)
    let needFirst = Double(min(profile.wordsBeforeFirstOutput, words)), needLast = Double(min(profile.wordsBeforeLastOutput, words))
    let takeFirst = consumer.first - Double(profile.firstOutputDelay)
    let takeLast = max(consumer.last - Double(profile.lastOutputDelay), takeFirst)
    let free = min(consumer.last - period, takeFirst)
    /// Words of one frame offered by `t`.
    func offered(_ t: Double) -> Double {
      if t < producer.first { return 0 }
      if t >= producer.last { return w }
      return 1 + (w - 1) * (t - producer.first) / max(producer.last - producer.first, 1)
    }
    /// Words of one frame the consumer can have taken by `t`.
    func taken(_ t: Double) -> Double {
      if t < free { return 0 }
      if t < takeFirst { return needFirst }
      if t < takeLast { return needFirst + (needLast - needFirst) * (t - takeFirst) / (takeLast - takeFirst) }
      if t < consumer.last { return needLast }
      return w
    }
    let span = max(producer.last, consumer.last) - min(producer.first, free)
    let reach = Int((span / max(period, 1)).rounded(.up)) + 1
    func total(_ f: (Double) -> Double, _ t: Double) -> Double {
      (-reach...reach).reduce(0) { $0 + f(t - Double($1) * period) }
    }
    var worst = 0.0
    for corner in [producer.first, producer.last, free, takeFirst, takeLast, consumer.last] {
      for k in -reach...reach {
        // Just before and at each corner: the curves jump there.
        for t in [corner + Double(k) * period - 0.5, corner + Double(k) * period] {
          worst = max(worst, total(offered, t) - total(taken, t))
        }
      }
    }
    return worst
  }
}
