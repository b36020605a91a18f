/// How one pipeline element turns the arrival of a frame's input words into
/// its first and last output words, read off its Verilog (finch_*.v): the
/// input words it must take before it can offer its first output, the cycles
/// from that word to the output, the input word its last output waits for and
/// the cycles after it, and its own pace from first to last output when its
/// input never runs dry. ``LatencyEstimate`` composes these along the pipeline.
///
/// Per element (a word "passes" in the cycle its valid and ready meet):
/// - MVAU (`SF = MW/SIMD`, `NF = MH/PE`, `V` vectors): the first output needs
///   the first `SF` words (neuron fold 0 of vector 0) and leaves `L` cycles
///   after the last of them, `L = 3 + dot + count` (finch_mvau's `L_W`: the
///   input register, a `1 + ⌈log2(SIMD)/2⌉`-cycle adder tree, the accumulator,
///   with thresholds a `1 + ⌈log2(N)/3⌉`-cycle comparison count, the output
///   FIFO); the last output leaves `(NF-1)·SF + L` cycles after the last input
///   word (the replayed folds); one step per cycle, so `V·NF·SF - SF` cycles
///   from first to last output.
/// - SWU: windows of an output row start once every input row they span is
///   complete (whole rows: `(K-1)·D + 1 - pad_top` rows before the first),
///   3 cycles after its last word (row count, read, output FIFO); the last
///   output row's `OW·K_H·K_W·C/SIMD` words follow its last input row; its own
///   pace is one output row per `max(write, read)` cycles (``CycleModel``).
/// - StreamingMaxPool: a window's result leaves 2 cycles after its last word;
///   one input word per cycle. With overlapping or padded windows, its window
///   unit's profile followed by the max-pool over each window's positions.
/// - StreamingConcat: one word per cycle, each pixel's words of the first
///   input then of the second (its last output follows the first input's
///   last word by the second's words of a pixel).
/// - Thresholding, AddStreams, FIFO, fan-out, width converter: 1 cycle from input to output (a
///   widening converter first gathers one output word), one word per cycle.
/// - LabelSelect: the labels' indices follow 1 cycle after a vector's last word.
public struct StartupProfile: Sendable, Equatable {
  /// Input words taken before the first output word can be offered (at least 1).
  public var wordsBeforeFirstOutput: Int
  /// Cycles from the passing of that word to the first output word.
  public var firstOutputDelay: Int
  /// The input word (counted from 1) that the last output word waits for.
  public var wordsBeforeLastOutput: Int
  /// Cycles from the passing of that word to the last output word.
  public var lastOutputDelay: Int
  /// Cycles from the first to the last output word when the input never runs dry.
  public var ownSpan: Int

  public init(wordsBeforeFirstOutput: Int, firstOutputDelay: Int, wordsBeforeLastOutput: Int, lastOutputDelay: Int, ownSpan: Int) {
    self.wordsBeforeFirstOutput = max(wordsBeforeFirstOutput, 1)
    self.firstOutputDelay = firstOutputDelay
    self.wordsBeforeLastOutput = max(wordsBeforeLastOutput, self.wordsBeforeFirstOutput)
    self.lastOutputDelay = lastOutputDelay
    self.ownSpan = max(ownSpan, 0)
  }

  /// When the element's output words of a frame pass, given when its input words
  /// arrive: the first output after its start-up, the last after whichever
  /// comes later, the element's own pace or its input's last needed word.
  public func output(for input: StreamTiming, words: Int) -> StreamTiming {
    let first = input.arrival(ofWord: wordsBeforeFirstOutput) + Double(firstOutputDelay)
    let last = max(first + Double(ownSpan), input.arrival(ofWord: wordsBeforeLastOutput) + Double(lastOutputDelay))
    return StreamTiming(first: first, last: last, words: words)
  }

  /// The profile of `element` of `pipeline`.
  public init(_ element: DataflowPipeline.Element, in pipeline: DataflowPipeline) {
    switch element.kind {
    case .fifo, .dup:
      self = .oneWordPerCycle(element.inputWords, outputWords: element.outputWords)
    case .dwc:
      let (inBits, outBits) = (element.input.wordBits, element.output.wordBits)
      self.init(
        wordsBeforeFirstOutput: divUp(outBits, inBits), firstOutputDelay: 1, wordsBeforeLastOutput: element.inputWords,
        lastOutputDelay: divUp(inBits, outBits), ownSpan: element.outputWords - 1)
    case .layer(let i):
      self.init(pipeline.layers[i], pipeline.folding.foldings[i], inputWords: element.inputWords, outputWords: element.outputWords)
    }
  }

  /// An element passing one word per cycle through one register.
  static func oneWordPerCycle(_ inputWords: Int, outputWords: Int) -> StartupProfile {
    StartupProfile(wordsBeforeFirstOutput: 1, firstOutputDelay: 1, wordsBeforeLastOutput: inputWords, lastOutputDelay: 1, ownSpan: outputWords - 1)
  }

  /// The profile of layer `l` at `folding`.
  init(_ l: HardwareLayer, _ folding: LayerFolding, inputWords: Int, outputWords: Int) {
    let (pe, simd) = (max(folding.pe, 1), max(folding.simd, 1))
    switch l.kind {
    case .mvau:
      let (sf, nf) = (l.mw / simd, l.mh / pe)
      let delay = Self.mvauPipelineCycles(simd: simd, thresholds: l.thresholds)
      self.init(
        wordsBeforeFirstOutput: sf, firstOutputDelay: delay, wordsBeforeLastOutput: l.vectors * sf, lastOutputDelay: (nf - 1) * sf + delay,
        ownSpan: l.vectors * nf * sf - sf)
    case .swu:
      let cf = l.channels / simd
      let (h, w) = (l.unpaddedInputDims[0], l.unpaddedInputDims[1])
      let (oh, ow) = (l.outputDims[0], l.outputDims[1])
      let spanH = l.windowSpan[0]
      // Input rows output row `oy` needs (finch_swu's last_end).
      func rowsNeeded(_ oy: Int) -> Int { min(max(oy * l.stride[0] - l.pads[0] + spanH, 0), h) }
      let write = ow * l.kernel[0] * l.kernel[1] * cf, read = l.stride[0] * w * cf
      self.init(
        wordsBeforeFirstOutput: rowsNeeded(0) * w * cf, firstOutputDelay: 3, wordsBeforeLastOutput: rowsNeeded(oh - 1) * w * cf,
        lastOutputDelay: 3 + write - 1, ownSpan: (oh - 1) * max(write, read) + write - 1)
    case .streamingMaxPool:
      if let (windows, reduce) = l.windowedPoolParts {
        // The window unit's words reach the max-pool one per cycle: a window's result follows its last position.
        let w = StartupProfile(windows, HardwareLayer.windowFolding(folding), inputWords: inputWords, outputWords: 0)
        let r = StartupProfile(reduce, folding, inputWords: 0, outputWords: outputWords)
        self.init(
          wordsBeforeFirstOutput: w.wordsBeforeFirstOutput, firstOutputDelay: w.firstOutputDelay + r.wordsBeforeFirstOutput - 1 + r.firstOutputDelay,
          wordsBeforeLastOutput: w.wordsBeforeLastOutput, lastOutputDelay: w.lastOutputDelay + r.lastOutputDelay, ownSpan: w.ownSpan)
        return
      }
      let cf = l.channels / pe
      let w = l.inputDims[1]
      let (oh, ow) = (l.outputDims[0], l.outputDims[1])
      let (kh, kw) = (l.kernel[0], l.kernel[1])
      let firstWindowEnd = (kh - 1) * w * cf + (kw - 1) * cf + 1
      let lastWindowEnd = (oh * kh - 1) * w * cf + (ow * kw - 1) * cf + cf
      self.init(
        wordsBeforeFirstOutput: firstWindowEnd, firstOutputDelay: 2, wordsBeforeLastOutput: lastWindowEnd, lastOutputDelay: 2,
        ownSpan: lastWindowEnd - firstWindowEnd)
    case .thresholding, .addStreams:
      self = .oneWordPerCycle(inputWords, outputWords: outputWords)
    case .streamingConcat:
      // A pixel's words of the first input, then of the second: the last output follows the second's last word.
      let second = l.concatWords(folding).last ?? 0
      self.init(wordsBeforeFirstOutput: 1, firstOutputDelay: 1, wordsBeforeLastOutput: inputWords, lastOutputDelay: 1 + second, ownSpan: outputWords - 1)
    case .vvau:
      // Words arrive window position by position, channel groups inside; a group's
      // result follows its word of the last position.
      let cf = l.channels / pe, perVector = l.mw * cf
      self.init(
        wordsBeforeFirstOutput: perVector - cf + 1, firstOutputDelay: 1, wordsBeforeLastOutput: l.vectors * perVector,
        lastOutputDelay: 1, ownSpan: (l.vectors - 1) * perVector + cf - 1)
    case .globalAccPool:
      // Channel group g's sum is complete with its word of the last pixel.
      let cf = l.channels / pe
      self.init(
        wordsBeforeFirstOutput: l.vectors * cf - cf + 1, firstOutputDelay: 1, wordsBeforeLastOutput: l.vectors * cf, lastOutputDelay: 1,
        ownSpan: cf - 1)
    case .labelSelect:
      let words = l.channels / pe
      self.init(
        wordsBeforeFirstOutput: words, firstOutputDelay: 1, wordsBeforeLastOutput: l.vectors * words, lastOutputDelay: l.k,
        ownSpan: (l.vectors - 1) * (words + l.k) + l.k - 1)
    }
  }

  /// finch_mvau's `L_W`: cycles from taking an input word to offering the
  /// output its step ends (the emitter leaves `TREE_STAGE` at 2).
  static func mvauPipelineCycles(simd: Int, thresholds: Int) -> Int {
    let dot = 1 + divUp(ceilLog2(simd), 2)
    let count = thresholds > 0 ? 1 + divUp(ceilLog2(thresholds), 3) : 0
    return 3 + dot + count
  }

  /// Words of finch_mvau's output FIFO (`FIFO_DEPTH`): enough for the
  /// pipeline's round trip at one vector fold per `sf` cycles, a power of two.
  static func mvauOutputFIFODepth(sf: Int, simd: Int, thresholds: Int) -> Int {
    let sf = max(sf, 1), need = (mvauPipelineCycles(simd: simd, thresholds: thresholds) + sf) / sf + 1
    return 1 << (need > 2 ? ceilLog2(need) : 1)
  }
}

/// ⌈log2 n⌉ (0 for n ≤ 1), Verilog's `$clog2`.
public func ceilLog2(_ n: Int) -> Int {
  var (bits, v) = (0, 1)
  while v < n { v <<= 1; bits += 1 }
  return bits
}
