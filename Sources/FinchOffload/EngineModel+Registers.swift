/// One call's register values, decoded and checked against the engine the
/// way the hardware's control unit would refuse them: a call the engine
/// cannot execute is an error naming the register, never a trap or a hang.
struct CallRegisters {
  var layerType: EngineRegister.LayerType
  var mode: EngineRegister.Mode
  var (kh, kw, sh, sw) = (1, 1, 1, 1)
  /// Top, left, bottom, right.
  var pads = [0, 0, 0, 0]
  var padValue: UInt32 = 0, padChannels = 0
  var (inH, inW, outH, outW) = (0, 0, 0, 0)
  var inChannels = 0, inPixelWords = 0
  var outChannels = 0, outChannelsPadded = 0, outPixelWords = 0, outWordOffset = 0
  var (poolKH, poolKW, poolSH, poolSW, poolH, poolW) = (1, 1, 1, 1, 0, 0)
  var outScale = 1, outBias = 0
  var inputAddress = 0, outputAddress = 0, weightAddress = 0, weightWords = 0, thresholdAddress = 0, thresholdWords = 0
  /// PE groups, SIMD folds per PE group, and the bits of an output element (A thresholded, else T).
  var groups = 0, simdFolds = 0, outBits = 0
  /// How weight and input lanes decode into the values the MAC array uses.
  var weightLane = Lane.unsigned, inputLane = Lane.unsigned

  /// A lane's arithmetic (Docs/offload.md §1).
  enum Lane {
    /// Bit 0 as is (XNOR-popcount).
    case bit
    /// Bit 0: 1 = +1, 0 = −1.
    case bipolar
    /// Two's complement over the lane's bits.
    case signed(Int)
    case unsigned

    func callAsFunction(_ raw: UInt64) -> Int {
      switch self {
      case .bit: return Int(raw & 1)
      case .bipolar: return raw & 1 == 1 ? 1 : -1
      case .signed(let bits): return signExtend(raw, bits)
      case .unsigned: return Int(raw)
      }
    }
  }

  var pooled: Bool { layerType == .convPool }

  init(_ values: [EngineRegister: UInt32], _ e: EngineConfiguration) throws(FinchOffloadError) {
    func value(_ r: EngineRegister) throws(FinchOffloadError) -> UInt32 {
      guard let v = values[r] else { throw .run("register \(r.rawValue) was not written") }
      return v
    }
    func field(_ r: EngineRegister, _ shift: UInt32, _ bits: UInt32) throws(FinchOffloadError) -> Int { Int(try value(r) >> shift & ((1 << bits) - 1)) }
    func fail(_ r: EngineRegister, _ reason: String) -> FinchOffloadError { .run("register \(r.rawValue) = \(values[r] ?? 0): \(reason)") }
    guard let type = EngineRegister.LayerType(rawValue: Int(try value(.layerType))) else { throw fail(.layerType, "not 0, 1 or 2") }
    layerType = type
    mode = EngineRegister.Mode(rawValue: try value(.mode))
    (kh, kw) = (try field(.kernel, 0, 8), try field(.kernel, 8, 8))
    (sh, sw) = (try field(.stride, 0, 8), try field(.stride, 8, 8))
    pads = [try field(.pads, 0, 8), try field(.pads, 8, 8), try field(.pads, 16, 8), try field(.pads, 24, 8)]
    (padValue, padChannels) = (try value(.padValue), Int(try value(.padChannels)))
    (inH, inW) = (try field(.inDim, 0, 16), try field(.inDim, 16, 16))
    (outH, outW) = (try field(.outDim, 0, 16), try field(.outDim, 16, 16))
    (inChannels, inPixelWords) = (Int(try value(.inChannels)), Int(try value(.inPixelWords)))
    (outChannels, outChannelsPadded) = (Int(try value(.outChannels)), Int(try value(.outChannelsPadded)))
    (outPixelWords, outWordOffset) = (Int(try value(.outPixelWords)), Int(try value(.outWordOffset)))
    (poolKH, poolKW, poolSH, poolSW) = (try field(.pool, 0, 8), try field(.pool, 8, 8), try field(.pool, 16, 8), try field(.pool, 24, 8))
    (poolH, poolW) = (try field(.poolOutDim, 0, 16), try field(.poolOutDim, 16, 16))
    (outScale, outBias) = (Int(Int32(bitPattern: try value(.outScale))), Int(Int32(bitPattern: try value(.outBias))))
    (inputAddress, outputAddress) = (Int(try value(.inputAddress)), Int(try value(.outputAddress)))
    (weightAddress, weightWords) = (Int(try value(.weightAddress)), Int(try value(.weightWords)))
    (thresholdAddress, thresholdWords) = (Int(try value(.thresholdAddress)), Int(try value(.thresholdWords)))

    // Geometry against the engine's limits.
    guard (1...e.maxKernel).contains(kh), (1...e.maxKernel).contains(kw) else { throw fail(.kernel, "outside 1...\(e.maxKernel)") }
    guard (1...e.maxKernel).contains(sh), (1...e.maxKernel).contains(sw) else { throw fail(.stride, "outside 1...\(e.maxKernel)") }
    guard pads.allSatisfy({ $0 < e.maxKernel }) else { throw fail(.pads, "a padding of max_kernel \(e.maxKernel) or more") }
    guard inH >= 1, inW >= 1, max(inH + pads[0] + pads[2], inW + pads[1] + pads[3]) <= e.maxImageSize else {
      throw fail(.inDim, "empty, or larger than max_image_size \(e.maxImageSize) with padding")
    }
    guard outH >= 1, outW >= 1, (outH - 1) * sh + kh <= inH + pads[0] + pads[2], (outW - 1) * sw + kw <= inW + pads[1] + pads[3] else {
      throw fail(.outDim, "a window reaches past the padded input")
    }
    let fcFanIn = layerType == .fullyConnected && kh * kw == 1
    guard inChannels >= 1, inChannels % e.simd == 0, inChannels <= (fcFanIn ? e.maxFanIn : e.maxChannels) else {
      throw fail(.inChannels, "not a positive multiple of SIMD \(e.simd) within the window buffer")
    }
    guard padChannels <= inChannels else { throw fail(.padChannels, "more than in_channels \(inChannels)") }
    guard inChannels * e.activationBits <= inPixelWords * e.memoryWordBits else { throw fail(.inPixelWords, "too few words for \(inChannels) channels") }
    guard outChannelsPadded >= 1, outChannelsPadded % e.pe == 0, outChannels <= outChannelsPadded else {
      throw fail(.outChannelsPadded, "not a positive multiple of PE \(e.pe) of at least out_channels \(outChannels)")
    }
    if pooled {
      guard (1...e.maxKernel).contains(poolKH), (1...e.maxKernel).contains(poolKW), (1...e.maxKernel).contains(poolSH),
        (1...e.maxKernel).contains(poolSW)
      else { throw fail(.pool, "a pool kernel or stride outside 1...\(e.maxKernel)") }
      guard poolH >= 1, poolW >= 1, (poolH - 1) * poolSH + poolKH <= outH, (poolW - 1) * poolSW + poolKW <= outW else {
        throw fail(.poolOutDim, "a pool window reaches past the \(outH)×\(outW) convolution output")
      }
    }
    // Buffers.
    groups = outChannelsPadded / e.pe
    simdFolds = kh * kw * inChannels / e.simd
    guard groups * simdFolds <= e.weightDepth, weightWords == groups * simdFolds * e.memoryWordsPerWeightWord else {
      throw fail(.weightWords, "not the \(groups * simdFolds) weight buffer words (of depth \(e.weightDepth)) of \(groups) PE groups × \(simdFolds) SIMD folds")
    }
    let thresholded = mode.contains(.thresholds)
    guard !thresholded || (groups <= e.thresholdDepth && thresholdWords == groups * e.memoryWordsPerThresholdWord) else {
      throw fail(.thresholdWords, "not the \(groups) threshold buffer words (of depth \(e.thresholdDepth)) of \(groups) PE groups")
    }
    outBits = thresholded ? e.activationBits : e.thresholdBits
    guard tileWords(e) <= EngineConfiguration.maxBurstWords else {
      throw fail(.outChannelsPadded, "a tile of \(tileWords(e)) words; one output pixel's write burst holds at most \(EngineConfiguration.maxBurstWords)")
    }
    if pooled {
      guard thresholded else { throw fail(.mode, "no thresholds; the engine pools thresholded codes only") }
      guard groups <= e.maxPoolGroups else {
        throw fail(.outChannelsPadded, "\(groups) PE groups; the pool buffer holds \(e.maxPoolGroups) (max_channels / PE, rounded up)")
      }
    }
    // Lane arithmetic.
    let (a, w) = (e.activationBits, e.weightBits)
    if mode.contains(.xnor) {
      (weightLane, inputLane) = (.bit, .bit)
    } else {
      weightLane = mode.contains(.bipolarWeights) ? .bipolar : .signed(w)
      inputLane = mode.contains(.bipolarInputs) ? .bipolar : mode.contains(.signedInputs) ? .signed(a) : .unsigned
    }
  }

  /// Output pixels the call writes: pooled, or the convolution's.
  var outputPixels: Int { pooled ? poolH * poolW : outH * outW }

  /// Memory words of one output pixel's tile (its `out_channels_padded` elements).
  func tileWords(_ e: EngineConfiguration) -> Int { divUp(outChannelsPadded * outBits, e.memoryWordBits) }

  /// Checks that every region the call reads or writes lies, aligned, inside
  /// `memoryBytes` bytes of memory from address 0, and that its output tile fits its records.
  func checkMemory(_ memoryBytes: Int, _ e: EngineConfiguration) throws(FinchOffloadError) {
    func check(_ address: Int, _ words: Int, _ what: String) throws(FinchOffloadError) {
      try OffloadMemory.check(address, words: words, wordBytes: e.memoryWordBytes, memoryBytes: memoryBytes, what)
    }
    try check(weightAddress, weightWords, "weights")
    if mode.contains(.thresholds) { try check(thresholdAddress, thresholdWords, "thresholds") }
    try check(inputAddress, inH * inW * inPixelWords, "input activations")
    guard outWordOffset + tileWords(e) <= outPixelWords else {
      throw .run("a tile of \(tileWords(e)) words at word \(outWordOffset) overruns the \(outPixelWords)-word output record")
    }
    try check(outputAddress, outputPixels * outPixelWords, "output activations")
  }
}
