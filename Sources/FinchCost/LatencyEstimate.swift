/// When each element of a dataflow pipeline offers its first and last output
/// word of a frame, and so the pipeline's latency: each element's
/// ``StartupProfile`` applied to its input's ``StreamTiming``, element after
/// element, the first element fed by the stream into the accelerator (an
/// element reading two streams, a sum, gets each word once both have arrived:
/// the later of the two timings).
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
  /// order (for a fan-out, of both outputs), for a frame whose input streams in at one word per cycle.
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
      let input = StreamTiming(first: 1, last: Double(max(cycles, inputWords)), words: inputWords)
      var result: [StreamTiming] = []
      for (profile, element) in zip(profiles, pipeline.elements) {
        // A sum of two streams takes a word once both have one: its input is the later of the two.
        let inputs = element.sources.map { result[$0.element] }
        let arriving = inputs.isEmpty ? input : StreamTiming(
          first: inputs.map(\.first).max()!, last: inputs.map(\.last).max()!, words: inputs[0].words)
        result.append(profile.output(for: arriving, words: element.outputWords))
      }
      return result
    }
    elements = timings(spreadOver: inputWords)
    firstFrameCycles = Int((elements.last?.last ?? 0).rounded(.up))
    steadyStateElements = timings(spreadOver: period)
    steadyStateCycles = Int((steadyStateElements.last?.last ?? 0).rounded(.up))
    periodCycles = period
  }
}
