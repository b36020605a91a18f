/// When each element of a dataflow pipeline offers its first and last output
/// word of a frame, and so the pipeline's latency: each element's
/// ``StartupProfile`` applied to its input's ``StreamTiming``, element after
/// element, the first element fed by the stream into the accelerator.
///
/// Layers overlap: a layer starts once its start-up input has arrived (an SWU
/// after its window's rows, an MVAU after one vector), not after its
/// producer's whole frame; a layer fed slower than it consumes waits for its
/// input, so its last output follows either its own pace or its input's last
/// word, whichever is later. Cycles count from the cycle the frame's first
/// input word enters (cycle 1). `finch simulate` measures the first frame's
/// latency from reset, whose first input word enters in cycle 2 (one more).
public struct LatencyEstimate: Sendable, Equatable {
  /// The first and last output word of each element of the pipeline, in its
  /// order, for a frame whose input streams in at one word per cycle.
  public let elements: [StreamTiming]
  /// Cycles from a frame's first input word to its last output word when the
  /// frame streams in at one word per cycle into an empty pipeline (the first frame).
  public let firstFrameCycles: Int
  /// The same when frames stream in at the pipeline's throughput (the input
  /// words of a frame spread over the slowest layer's cycles per frame): the
  /// latency of every frame of a source running at the design's frame rate.
  public let steadyStateCycles: Int
  /// The first and last output word of each element for a frame entering at
  /// the pipeline's throughput (what ``steadyStateCycles`` ends with); the
  /// schedule ``FIFOSizing`` sizes the FIFOs from.
  public let steadyStateElements: [StreamTiming]
  /// The slowest layer's cycles per frame: the period frames enter at in the steady state.
  public let periodCycles: Int

  /// Times `pipeline`.
  public init(_ pipeline: DataflowPipeline) {
    let profiles = pipeline.elements.map { StartupProfile($0, in: pipeline) }
    let inputWords = pipeline.elements.first?.inputWords ?? 1
    let period = zip(pipeline.layers, pipeline.folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 1
    func timings(spreadOver cycles: Int) -> [StreamTiming] {
      var input = StreamTiming(first: 1, last: Double(max(cycles, inputWords)), words: inputWords)
      return zip(profiles, pipeline.elements).map { profile, element in
        input = profile.output(for: input, words: element.outputWords)
        return input
      }
    }
    elements = timings(spreadOver: inputWords)
    firstFrameCycles = Int((elements.last?.last ?? 0).rounded(.up))
    steadyStateElements = timings(spreadOver: period)
    steadyStateCycles = Int((steadyStateElements.last?.last ?? 0).rounded(.up))
    periodCycles = period
  }
}
