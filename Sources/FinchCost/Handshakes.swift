// The stream handshakes of the modules of Finch's Verilog library, one
// struct per module, cycle by cycle and without data: the registers that
// decide its `m_tvalid` and `s_tready`, read off finch_*.v.
// ``HandshakeChain`` chains them as the stitcher chains the modules.

/// finch_fifo: `DEPTH` words, first word falls through.
struct FIFOHandshake: Equatable {
  /// Words it holds at most (a run may resize it from a checkpoint).
  var depth: Int
  /// Words it holds.
  var count = 0
}

/// finch_dwc: gather (the output `k` input words), split (the input `k`
/// output words) or the general buffer of `in + out` bits.
struct DWCHandshake: Equatable {
  private enum Shape: Equatable { case gather(Int), split(Int), general(inBits: Int, outBits: Int) }
  private let shape: Shape
  /// Gather: input words held; split: the piece out (0 when none); general: bits held.
  private var state = 0

  init(inputBits: Int, outputBits: Int) {
    if outputBits % inputBits == 0 {
      shape = .gather(outputBits / inputBits)
    } else if inputBits % outputBits == 0 {
      shape = .split(inputBits / outputBits)
    } else {
      shape = .general(inBits: inputBits, outBits: outputBits)
    }
  }

  var outputValid: Bool {
    switch shape {
    case .gather(let k): return state == k
    case .split: return state != 0
    case .general(_, let outBits): return state >= outBits
    }
  }

  func inputReady(outputReady: Bool) -> Bool {
    switch shape {
    case .gather(let k): return state != k || outputReady
    case .split(let k): return state == 0 || (state == k && outputReady)
    case .general(_, let outBits): return kept(pop: outputValid && outputReady, outBits) <= outBits  // room for a word: in + out − in bits
    }
  }

  private func kept(pop: Bool, _ outBits: Int) -> Int { pop ? state - outBits : state }

  mutating func step(push: Bool, pop: Bool) {
    switch shape {
    case .gather:
      if pop { state = push ? 1 : 0 } else if push { state += 1 }
    case .split(let k):
      if push { state = 1 } else if pop { state = state == k ? 0 : state + 1 }
    case .general(let inBits, let outBits):
      state = kept(pop: pop, outBits) + (push ? inBits : 0)
    }
  }
}

/// finch_thresholding: a registered table look-up, one word per cycle.
struct ThresholdingHandshake: Equatable {
  var valid = false
}

/// finch_global_acc_pool and finch_vvau: words come in `pixels` passes (a
/// pool's pixels, a VVAU's window positions) of `groups` words; a word is
/// taken whenever it is not of the last pass (those need the output register
/// free, or freed this cycle), and each of the last pass's words fills the
/// output register.
struct AccumulatorHandshake: Equatable {
  private let pixels: Int, groups: Int
  private var pixel = 0, group = 0
  private(set) var valid = false

  init(pixels: Int, groups: Int) { (self.pixels, self.groups) = (max(pixels, 1), max(groups, 1)) }

  func inputReady(outputReady: Bool) -> Bool { pixel != pixels - 1 || !valid || outputReady }

  mutating func step(push: Bool, pop: Bool) {
    let completes = push && pixel == pixels - 1
    valid = completes || (valid && !pop)
    guard push else { return }
    group += 1
    if group == groups {
      group = 0
      pixel = pixel == pixels - 1 ? 0 : pixel + 1
    }
  }
}

/// finch_mvau: one step per cycle, a step taking an input word only in
/// neuron fold 0; a vector fold's result reaches the output FIFO `latency`
/// cycles after its last step issued (`L_W`), and the last step of a fold
/// issues only with a free credit in that FIFO.
struct MVAUHandshake: Equatable {
  private let sf: Int, nf: Int, latency: Int, fifoDepth: Int
  private var live = false
  private var step = 0, fold = 0
  private var credits = 0
  /// Words in the output FIFO.
  private(set) var held = 0
  /// Results in the pipeline: bit `k` reaches the FIFO `k + 1` cycles after the next.
  private var pipeline: UInt64 = 0

  init(sf: Int, nf: Int, latency: Int, fifoDepth: Int) {
    precondition((1...64).contains(latency), "finch_mvau's pipeline is 1 to 64 cycles")
    (self.sf, self.nf, self.latency, self.fifoDepth) = (max(sf, 1), max(nf, 1), latency, fifoDepth)
  }

  private var room: Bool { step != sf - 1 || credits != fifoDepth }
  var inputReady: Bool { live && fold == 0 && room }

  mutating func step(inputValid: Bool, pop: Bool) {
    let issue = live && room && (fold != 0 || inputValid)
    let ends = issue && step == sf - 1
    live = true
    if ends {
      step = 0
      fold = fold == nf - 1 ? 0 : fold + 1
    } else if issue {
      step += 1
    }
    credits += (ends ? 1 : 0) - (pop ? 1 : 0)
    pipeline >>= 1
    if ends { pipeline |= 1 << (latency - 1) }
    held += Int(pipeline & 1) - (pop ? 1 : 0)
    pipeline &= ~1
  }
}

/// finch_swu: a reader filling row slots of the line buffer and a window
/// generator issuing an output row's words once its input rows are complete,
/// through a read register into a 4-word output FIFO.
struct SWUHandshake: Equatable {
  private let height: Int, row: Int, span: Int, stride: Int, top: Int
  private let rowWords: Int, outputRows: Int
  private let slots: Int
  private var column = 0, ahead = 0
  private var position = 0, outputRow = 0
  private var read = false
  private(set) var held = 0

  /// The unit of `layer` (an SWU, or a windowed max-pool's window part) at `simd`.
  init(_ layer: HardwareLayer, simd: Int) {
    let cf = layer.channels / max(simd, 1)
    height = layer.unpaddedInputDims[0]
    row = layer.unpaddedInputDims[1] * cf
    span = layer.windowSpan[0]
    stride = layer.stride[0]
    slots = span + stride
    top = layer.pads[0]
    rowWords = layer.outputDims[1] * layer.kernel[0] * layer.kernel[1] * cf
    outputRows = layer.outputDims[0]
  }

  /// The first and one past the last input row the current output row needs.
  private var firstRow: Int { min(max(outputRow * stride - top, 0), height) }
  var inputReady: Bool { ahead - firstRow < slots }
  private var rowsEnd: Int { min(max(outputRow * stride - top + span, 0), height) }

  mutating func step(accept: Bool, pop: Bool) {
    let issue = ahead >= rowsEnd && held + (read ? 1 : 0) < 4
    if accept {
      if column == row - 1 {
        column = 0
        ahead += 1
      } else {
        column += 1
      }
    }
    if issue {
      if position == rowWords - 1 {
        position = 0
        if outputRow == outputRows - 1 {
          outputRow = 0
          ahead -= height
        } else {
          outputRow += 1
        }
      } else {
        position += 1
      }
    }
    held += (read ? 1 : 0) - (pop ? 1 : 0)
    read = issue
  }
}

/// finch_maxpool (non-overlapping windows): one input word per cycle while
/// its 4-word output FIFO has room; a window's result is pushed the cycle
/// after its last word.
struct MaxPoolHandshake: Equatable {
  private let channelFolds: Int, width: Int, height: Int, kernelH: Int, kernelW: Int, keptW: Int, keptH: Int
  /// The next input word's channel fold, column and row, and its column and row in its window.
  private var fold = 0, x = 0, y = 0, kx = 0, ky = 0
  /// A window's last word was taken last cycle: its result enters the FIFO now.
  private var push = false
  private(set) var held = 0
  var inputReady: Bool { held + (push ? 1 : 0) < 4 }

  /// The unit of `layer` (a max-pool without padding, windows not overlapping) at `pe`.
  init(_ layer: HardwareLayer, pe: Int) {
    channelFolds = layer.channels / max(pe, 1)
    (height, width) = (layer.inputDims[0], layer.inputDims[1])
    (kernelH, kernelW) = (layer.kernel[0], layer.kernel[1])
    keptH = layer.outputDims[0] * kernelH
    keptW = layer.outputDims[1] * kernelW
  }

  mutating func step(accept: Bool, pop: Bool) {
    held += (push ? 1 : 0) - (pop ? 1 : 0)
    push = accept && x < keptW && y < keptH && kx == kernelW - 1 && ky == kernelH - 1
    guard accept else { return }
    fold += 1
    guard fold == channelFolds else { return }
    fold = 0
    (x, kx) = (x + 1, kx == kernelW - 1 ? 0 : kx + 1)
    guard x == width else { return }
    (x, kx) = (0, 0)
    (y, ky) = (y + 1, ky == kernelH - 1 ? 0 : ky + 1)
    if y == height { (y, ky) = (0, 0) }
  }
}

/// finch_label_select: reads a vector's words, then emits its `k` indices
/// while holding input off.
struct LabelSelectHandshake: Equatable {
  private let words: Int, k: Int
  private(set) var emitting = false
  private var word = 0, out = 0

  init(words: Int, k: Int) { (self.words, self.k) = (max(words, 1), max(k, 1)) }

  mutating func step(inputValid: Bool, outputReady: Bool) {
    if emitting {
      guard outputReady else { return }
      if out == k - 1 {
        out = 0
        emitting = false
      } else {
        out += 1
      }
    } else if inputValid {
      if word == words - 1 {
        word = 0
        emitting = true
      } else {
        word += 1
      }
    }
  }
}
