import FinchCost

/// The offload engine's reference model: executes one call from its register
/// values on the bytes of an ``OffloadMemory``, as Docs/offload.md says the
/// hardware does (§1 data path, §3 registers, §5 records and padding, §6
/// weight and threshold layout). It knows no graph and no layer: only the
/// engine's parameters, the registers and memory, so running a schedule
/// through it checks the compiler's registers and the image's packing end to
/// end, and the engine RTL can be checked against it call by call.
public struct EngineModel: Sendable {
  public var engine: EngineConfiguration

  public init(engine: EngineConfiguration) { self.engine = engine }

  /// What one call moved and computed, counted as it ran (the quantities of
  /// the cost model, Docs/offload.md §7).
  public struct Activity: Sendable, Equatable {
    /// MAC array steps: one per PE group, SIMD fold and convolution output pixel.
    public var computeCycles = 0
    /// Memory words read into the weight and threshold buffers.
    public var weightWords = 0, thresholdWords = 0
    /// Memory words of activations read and written.
    public var readWords = 0, writeWords = 0

    public init(computeCycles: Int = 0, weightWords: Int = 0, thresholdWords: Int = 0, readWords: Int = 0, writeWords: Int = 0) {
      (self.computeCycles, self.weightWords, self.thresholdWords) = (computeCycles, weightWords, thresholdWords)
      (self.readWords, self.writeWords) = (readWords, writeWords)
    }

    /// What the schedule says `call` will do: its PE groups × SIMD folds × output pixels and its words.
    public init(predicting call: EngineCall) {
      self.init(
        computeCycles: call.peGroups * call.simdFolds * call.outputPixels, weightWords: call.weightWords, thresholdWords: call.thresholdWords,
        readWords: call.readWords, writeWords: call.writeWords)
    }
  }

  /// Checks a call as the engine would refuse it, before it runs: every
  /// register against the engine's limits and every region it reaches inside
  /// `memoryBytes` bytes from address 0 (addresses relative to that base).
  /// The error names the register or the memory.
  public func check(_ registers: [EngineRegister: UInt32], memoryBytes: Int) throws(FinchOffloadError) {
    try CallRegisters(registers, engine).checkMemory(memoryBytes, engine)
  }

  /// Runs the call whose registers are `registers` (addresses relative to memory's base 0).
  public func execute(_ registers: [EngineRegister: UInt32], memory: inout OffloadMemory) throws(FinchOffloadError) -> Activity {
    let r = try CallRegisters(registers, engine)
    try r.checkMemory(memory.bytes.count, engine)
    var activity = Activity()
    // Load phase: the weight and threshold buffers.
    let weights = loadWeights(r, memory)
    let thresholds = loadThresholds(r, memory)
    (activity.weightWords, activity.thresholdWords) = (r.weightWords, r.thresholdWords)
    // Compute phase: every input pixel record once, the window unit, the MAC array, thresholds, pool, writer.
    let input = readInput(r, memory)
    activity.readWords = r.inH * r.inW * r.inPixelWords
    let conv = convolve(r, input: input, weights: weights, thresholds: thresholds)
    activity.computeCycles = r.groups * r.simdFolds * r.outH * r.outW
    let codes = r.pooled ? pool(r, conv) : conv
    activity.writeWords = write(r, codes: codes, memory: &memory)
    return activity
  }

  // MARK: - Load (regions checked by CallRegisters.checkMemory)

  /// Weights `[out channel][window element]` as lane values: XNOR bits, ±1 or two's complement.
  private func loadWeights(_ r: CallRegisters, _ memory: OffloadMemory) -> [Int] {
    let e = engine
    let (fanIn, stride) = (r.simdFolds * e.simd, e.memoryWordsPerWeightWord * e.memoryWordBits)
    var w = [Int](repeating: 0, count: r.outChannelsPadded * fanIn)
    let lane = r.weightLane
    for n in 0..<r.groups {
      for f in 0..<r.simdFolds {
        let base = r.weightAddress * 8 + (n * r.simdFolds + f) * stride
        for p in 0..<e.pe {
          for s in 0..<e.simd {
            w[(n * e.pe + p) * fanIn + f * e.simd + s] = lane(memory.field(bit: base + (p * e.simd + s) * e.weightBits, width: e.weightBits))
          }
        }
      }
    }
    return w
  }

  /// Thresholds `[out channel][2^A − 1]` (empty without thresholds).
  private func loadThresholds(_ r: CallRegisters, _ memory: OffloadMemory) -> [Int] {
    let e = engine
    guard r.mode.contains(.thresholds) else { return [] }
    let (b, stride) = (e.thresholdsPerChannel, e.memoryWordsPerThresholdWord * e.memoryWordBits)
    var t = [Int](repeating: 0, count: r.outChannelsPadded * b)
    for n in 0..<r.groups {
      for p in 0..<e.pe {
        for j in 0..<b {
          let raw = memory.field(bit: r.thresholdAddress * 8 + n * stride + (p * b + j) * e.thresholdBits, width: e.thresholdBits)
          t[(n * e.pe + p) * b + j] = signExtend(raw, e.thresholdBits)
        }
      }
    }
    return t
  }

  // MARK: - Compute

  /// Input pixels `[y][x][in_channels]` as lane values.
  private func readInput(_ r: CallRegisters, _ memory: OffloadMemory) -> [Int] {
    let e = engine
    let lane = r.inputLane
    var x = [Int](repeating: 0, count: r.inH * r.inW * r.inChannels)
    for pixel in 0..<(r.inH * r.inW) {
      let base = (r.inputAddress + pixel * r.inPixelWords * memory.wordBytes) * 8
      for c in 0..<r.inChannels { x[pixel * r.inChannels + c] = lane(memory.field(bit: base + c * e.activationBits, width: e.activationBits)) }
    }
    return x
  }

  /// Output codes `[conv pixel][out_channels_padded]`: the window unit (channel
  /// fastest, then kx, then ky; padded positions hold `pad_value` in their
  /// first `pad_channels` channels and the 0 encoding past them), the MAC
  /// array with a `threshold_bits` accumulator, then thresholds or the
  /// accumulator itself; channels past `out_channels` are 0.
  private func convolve(_ r: CallRegisters, input: [Int], weights: [Int], thresholds: [Int]) -> [UInt64] {
    let e = engine
    let fanIn = r.kh * r.kw * r.inChannels, b = e.thresholdsPerChannel
    let (pad, zero) = (r.inputLane(UInt64(r.padValue) & mask(e.activationBits)), r.inputLane(0))
    let xnor = r.mode.contains(.xnor), thresholded = r.mode.contains(.thresholds)
    let outBits = r.outBits
    var codes = [UInt64](repeating: 0, count: r.outH * r.outW * r.outChannelsPadded)
    var window = [Int](repeating: 0, count: fanIn)
    for oy in 0..<r.outH {
      for ox in 0..<r.outW {
        var k = 0
        for ky in 0..<r.kh {
          let iy = oy * r.sh - r.pads[0] + ky
          for kx in 0..<r.kw {
            let ix = ox * r.sw - r.pads[1] + kx
            let inside = iy >= 0 && iy < r.inH && ix >= 0 && ix < r.inW
            for c in 0..<r.inChannels { window[k + c] = inside ? input[(iy * r.inW + ix) * r.inChannels + c] : c < r.padChannels ? pad : zero }
            k += r.inChannels
          }
        }
        let pixel = (oy * r.outW + ox) * r.outChannelsPadded
        weights.withUnsafeBufferPointer { w in
          window.withUnsafeBufferPointer { a in
            for o in 0..<r.outChannels {
              var acc = 0
              let row = o * fanIn
              if xnor {
                for i in 0..<fanIn { acc &+= 1 &- (w[row + i] ^ a[i]) }
              } else {
                for i in 0..<fanIn { acc &+= w[row + i] &* a[i] }
              }
              acc = signExtend(UInt64(bitPattern: Int64(acc)) & mask(e.thresholdBits), e.thresholdBits)
              let value: Int
              if thresholded {
                var count = 0
                for j in 0..<b where thresholds[o * b + j] <= acc { count += 1 }
                value = r.outScale &* count &+ r.outBias
              } else {
                value = r.outScale &* acc &+ r.outBias
              }
              codes[pixel + o] = UInt64(bitPattern: Int64(value)) & mask(outBits)
            }
          }
        }
      }
    }
    return codes
  }

  /// Max-pool over the conv output codes (compared signed when `mode` says so):
  /// `pool_out_dim` pixels, windows may overlap.
  private func pool(_ r: CallRegisters, _ conv: [UInt64]) -> [UInt64] {
    let c = r.outChannelsPadded, bits = r.outBits
    let signed = r.mode.contains(.signedOutputs)
    func order(_ code: UInt64) -> Int { signed ? signExtend(code, bits) : Int(code) }
    var out = [UInt64](repeating: 0, count: r.poolH * r.poolW * c)
    for py in 0..<r.poolH {
      for px in 0..<r.poolW {
        for o in 0..<c {
          var best = conv[((py * r.poolSH) * r.outW + px * r.poolSW) * c + o]
          for ky in 0..<r.poolKH {
            for kx in 0..<r.poolKW {
              let code = conv[((py * r.poolSH + ky) * r.outW + px * r.poolSW + kx) * c + o]
              if order(code) > order(best) { best = code }
            }
          }
          out[(py * r.poolW + px) * c + o] = best
        }
      }
    }
    return out
  }

  /// Writes every output pixel's tile as whole memory words from `out_word_offset` of its record; returns the words written.
  private func write(_ r: CallRegisters, codes: [UInt64], memory: inout OffloadMemory) -> Int {
    let e = engine
    let (pixels, tileWords) = (r.outputPixels, r.tileWords(e))
    for pixel in 0..<pixels {
      var word = BitWord(bits: tileWords * e.memoryWordBits)
      for o in 0..<r.outChannelsPadded { word.set(codes[pixel * r.outChannelsPadded + o], at: o * r.outBits, bits: r.outBits) }
      memory.write(word, words: tileWords, at: r.outputAddress + (pixel * r.outPixelWords + r.outWordOffset) * memory.wordBytes)
    }
    return pixels * tileWords
  }
}

/// The all-ones mask of `bits` bits (at most 64).
func mask(_ bits: Int) -> UInt64 { bits >= 64 ? .max : (1 << UInt64(bits)) - 1 }

/// The two's complement value of the low `bits` bits of `raw`.
func signExtend(_ raw: UInt64, _ bits: Int) -> Int {
  let shift = UInt64(64 - bits)
  return Int(Int64(bitPattern: raw << shift) >> Int64(shift))
}
