/// FIFO depths from the schedule: each FIFO holds the most words its producer
/// can be ahead of what its consumer is able to take, when every element runs
/// the steady-state schedule of ``LatencyEstimate`` (frames entering at the
/// pipeline's period). A FIFO that deep never blocks its producer while the
/// producer keeps to that schedule, so every element keeps its modelled pace
/// and the pipeline its period; deeper words would never be used.
///
/// Per FIFO, both sides are the latency model's per-frame stream timings,
/// repeated every period:
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
/// for the registered handshakes. This is a
/// safe bound, not the exact minimum: the consumer's need is its
/// lower limit on intake (an SWU takes a row ahead, a max-pool a word per cycle).
public enum FIFOSizing {
  /// Words added to every FIFO for the cycle a full flag and a producer's
  /// output register take to react.
  public static let handshakeWords = 2

  /// The depth of every FIFO of `pipeline`, by element index, from the
  /// steady-state schedule of `latency` (``LatencyEstimate`` of `pipeline`).
  public static func depths(of pipeline: DataflowPipeline, latency: LatencyEstimate) -> [Int: Int] {
    var result: [Int: Int] = [:]
    let timings = latency.steadyStateElements
    for (i, e) in pipeline.elements.enumerated() {
      guard case .fifo = e.kind, i > 0, i + 1 < pipeline.elements.count else { continue }
      let consumer = pipeline.elements[i + 1]
      let profile = StartupProfile(consumer, in: pipeline)
      let gap = occupancy(
        producer: timings[i - 1], consumer: timings[i + 1], profile: profile, words: e.inputWords, period: Double(latency.periodCycles))
      result[i] = Int(gap.rounded(.up)) + intakeLag(consumer, in: pipeline) + handshakeWords
    }
    return result
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
