import FinchCost
import FinchIR

extension ScheduleCompiler {
  /// One layer group's calls (addresses still zero) and its output layout.
  struct Planned {
    var calls: [EngineCall]
    var output: ActivationLayout
  }

  /// Checks one conv, conv+pool or FC group against the engine and splits it
  /// into output-channel tiles (Docs/offload.md §4).
  func plan(
    swu: HardwareLayer?, mvau: HardwareLayer, pool: HardwareLayer?, input: ActivationLayout, firstCall: Int
  ) throws(FinchOffloadError) -> Planned {
    let e = engine
    func exceed(_ layer: HardwareLayer, _ field: String, _ value: Int, _ reason: String) -> FinchOffloadError {
      .exceedsEngine(layer: layer.name, field: field, value: value, reason: reason)
    }
    // Geometry.
    var (kh, kw, sh, sw, pads, padValue) = (1, 1, 1, 1, [0, 0, 0, 0], Int64(0))
    var (inH, inW, outH, outW, cin) = (input.height, input.width, input.height, input.width, mvau.mw)
    let layerType: EngineRegister.LayerType
    let window = swu ?? mvau
    if let swu {
      guard swu.dilation.allSatisfy({ $0 == 1 }) else { throw exceed(swu, "dilation", swu.dilation.max() ?? 1, "is not supported (the engine has no dilation)") }
      (kh, kw, sh, sw, pads, padValue) = (swu.kernel[0], swu.kernel[1], swu.stride[0], swu.stride[1], swu.pads, swu.padValue)
      (inH, inW) = (swu.unpaddedInputDims[0], swu.unpaddedInputDims[1])
      (outH, outW, cin) = (swu.outputDims[0], swu.outputDims[1], swu.channels)
      guard input.height * input.width == inH * inW, input.channels == cin else {
        throw .unsupportedLayer(
          layer: swu.name, op: "SWU", reason: "its \(inH)×\(inW)×\(cin) input does not match the \(input.height)×\(input.width)×\(input.channels) tensor before it")
      }
      layerType = pool == nil ? .conv : .convPool
    } else if input.height * input.width == mvau.vectors, input.channels == mvau.mw {
      layerType = .fullyConnected
    } else if mvau.vectors == 1, input.height * input.width * input.channels == mvau.mw {
      // An FC over a flattened H×W×C tensor is a convolution with an H×W kernel.
      (kh, kw, outH, outW, cin) = (input.height, input.width, 1, 1, input.channels)
      layerType = .fullyConnected
    } else {
      throw .unsupportedLayer(
        layer: mvau.name, op: "MVAU", reason: "its input of \(mvau.vectors)×\(mvau.mw) elements does not match the \(input.height)×\(input.width)×\(input.channels) tensor before it")
    }
    // Limits.
    guard max(kh, kw) <= e.maxKernel else { throw exceed(window, "kernel", max(kh, kw), "exceeds the engine's max_kernel \(e.maxKernel)") }
    guard max(sh, sw) <= e.maxKernel else { throw exceed(window, "stride", max(sh, sw), "exceeds the engine's max_kernel \(e.maxKernel)") }
    guard pads.allSatisfy({ $0 < e.maxKernel }) else {
      throw exceed(window, "padding", pads.max() ?? 0, "must be below the engine's max_kernel \(e.maxKernel)")
    }
    let size = max(inH + pads[0] + pads[2], inW + pads[1] + pads[3])
    guard size <= e.maxImageSize else { throw exceed(window, "image size", size, "exceeds the engine's max_image_size \(e.maxImageSize)") }
    let cinP = roundUp(cin, e.simd)
    if layerType == .fullyConnected && kh * kw == 1 {
      guard cinP <= e.maxFanIn else {
        throw exceed(mvau, "fan-in", cinP, "exceeds the engine's window buffer (max_kernel² · max_channels = \(e.maxFanIn))")
      }
    } else {
      guard cinP <= e.maxChannels else { throw exceed(window, "input channels", cinP, "exceed the engine's max_channels \(e.maxChannels)") }
    }
    try checkTypes(mvau, exceed)
    // The engine reads activation-lane records; an accumulator output (threshold_bits lanes) goes on through the CPU.
    guard input.elementBits == e.activationBits else {
      throw exceed(window, "input element bits", input.elementBits, "differ from the engine's activation_bits \(e.activationBits) (the records before it hold accumulators)")
    }
    if let pool {
      guard max(pool.kernel[0], pool.kernel[1]) <= e.maxKernel, max(pool.stride[0], pool.stride[1]) <= e.maxKernel else {
        throw exceed(pool, "pool kernel", max(pool.kernel.max() ?? 1, pool.stride.max() ?? 1), "exceeds the engine's max_kernel \(e.maxKernel)")
      }
      guard pool.inputDims == [outH, outW], pool.channels == mvau.mh else {
        throw .unsupportedLayer(layer: pool.name, op: "StreamingMaxPool", reason: "its input is not the convolution's \(outH)×\(outW)×\(mvau.mh) output")
      }
    }
    // Tiling: output channels only, each tile's fan-in whole (no partial sums).
    let thresholded = mvau.thresholds > 0
    let outBits = thresholded ? e.activationBits : e.thresholdBits
    let (pixelsH, pixelsW) = pool.map { ($0.outputDims[0], $0.outputDims[1]) } ?? (outH, outW)
    let output = makeLayout(height: pixelsH, width: pixelsW, channels: mvau.mh, elementBits: outBits)
    let nfTotal = output.paddedChannels / e.pe
    let sf = kh * kw * cinP / e.simd
    guard sf <= e.weightDepth else {
      throw exceed(mvau, "weight words per PE group", sf, "exceed the engine's weight_depth \(e.weightDepth) (input-channel tiling is not supported)")
    }
    // PE groups per tile: the weight and threshold buffers, the pool buffer and one write burst per output pixel bound it.
    let burstGroups = EngineConfiguration.maxBurstWords * e.memoryWordBits / (e.pe * outBits)
    var nf = min(e.weightDepth / sf, nfTotal, burstGroups)
    if thresholded { nf = min(nf, e.thresholdDepth) }
    if pool != nil { nf = min(nf, e.maxPoolGroups) }
    if nf < nfTotal {
      // Tiles start on memory-word boundaries of the output records.
      let alignNF = lcm(e.pe, e.memoryWordBits / gcd(e.memoryWordBits, outBits)) / e.pe
      nf = nf / alignNF * alignNF
      guard nf >= 1 else {
        var limits = ["weight_depth \(e.weightDepth)", "\(EngineConfiguration.maxBurstWords)-word bursts"]
        if thresholded { limits.append("threshold_depth \(e.thresholdDepth)") }
        if pool != nil { limits.append("a pool buffer of \(e.maxPoolGroups) PE groups") }
        throw exceed(
          mvau, "output channels", mvau.mh,
          "need tiles of \(alignNF * e.pe) channels (\(alignNF) PE groups of \(sf) weight words); the engine has \(limits.joined(separator: ", "))")
      }
    }
    let tiles = divUp(nfTotal, nf)
    var mode: EngineRegister.Mode = []
    if mvau.xnor { mode.formUnion([.xnor, .bipolarWeights, .bipolarInputs]) }
    if e.weightBits == 1 { mode.insert(.bipolarWeights) }
    if mvau.inputType == .bipolar { mode.insert(.bipolarInputs) }
    if mvau.signedInput { mode.insert(.signedInputs) }
    if !thresholded || (mvau.outputType.isSigned && mvau.outputType != .bipolar) { mode.insert(.signedOutputs) }
    if thresholded { mode.insert(.thresholds) }
    // Thresholded: level `scale·count + bias` (bipolar outputs as their 1/0 encoding).
    // Without thresholds the engine writes `scale·acc + bias`: the accumulator itself, or for
    // XNOR the bipolar dot product `2·popcount − MW` the MVAU defines (padded lanes add nothing).
    let (scale, bias) =
      thresholded ? (mvau.outputType == .bipolar ? (1, 0) : (mvau.outScale, mvau.outBias)) : (mvau.xnor ? (2, -mvau.mw) : (1, 0))
    let padCode = ActivationLayout.laneFormat(mvau.inputType, bits: e.activationBits).encode(padValue)
    let calls = (0..<tiles).map { t -> EngineCall in
      let n0 = t * nf, groups = min(nf, nfTotal - n0)
      let first = n0 * e.pe
      let valid = max(0, min(mvau.mh - first, groups * e.pe))
      let tileWords = divUp(groups * e.pe * outBits, e.memoryWordBits)
      let values: [(EngineRegister, Int)] = [
        (.layerType, layerType.rawValue), (.mode, Int(mode.rawValue)), (.kernel, kh | kw << 8), (.stride, sh | sw << 8),
        (.pads, pads[0] | pads[1] << 8 | pads[2] << 16 | pads[3] << 24), (.padValue, Int(padCode)), (.inDim, inH | inW << 16),
        (.outDim, outH | outW << 16), (.inChannels, cinP), (.inPixelWords, input.pixelWords), (.outChannels, valid),
        (.outChannelsPadded, groups * e.pe), (.outPixelWords, output.pixelWords), (.outWordOffset, first * outBits / e.memoryWordBits),
        (.pool, pool.map { $0.kernel[0] | $0.kernel[1] << 8 | $0.stride[0] << 16 | $0.stride[1] << 24 } ?? 0),
        (.poolOutDim, pool.map { $0.outputDims[0] | $0.outputDims[1] << 16 } ?? 0),
        (.outScale, scale), (.outBias, bias), (.inputAddress, 0), (.outputAddress, 0), (.weightAddress, 0),
        (.weightWords, groups * sf * e.memoryWordsPerWeightWord), (.thresholdAddress, 0),
        (.thresholdWords, thresholded ? groups * e.memoryWordsPerThresholdWord : 0), (.padChannels, cin),
      ]
      return EngineCall(
        index: firstCall + t, layers: [swu, mvau, pool].compactMap { $0?.name }, mvau: mvau.name, tile: t, tiles: tiles, firstChannel: first,
        channels: valid, peGroups: groups, simdFolds: sf, outputPixels: outH * outW,
        weightWords: groups * sf * e.memoryWordsPerWeightWord, thresholdWords: thresholded ? groups * e.memoryWordsPerThresholdWord : 0,
        readWords: inH * inW * input.pixelWords, writeWords: pixelsH * pixelsW * tileWords,
        registers: values.map { EngineCall.RegisterValue(name: $0.0, offset: $0.0.offset, value: UInt32(truncatingIfNeeded: $0.1)) })
    }
    return Planned(calls: calls, output: output)
  }

  /// Weight, input, accumulator, threshold and output types against the engine's lanes.
  private func checkTypes(
    _ mvau: HardwareLayer, _ exceed: (HardwareLayer, String, Int, String) -> FinchOffloadError
  ) throws(FinchOffloadError) {
    let e = engine
    if mvau.weightType != .bipolar {
      guard e.weightBits > 1 else { throw exceed(mvau, "weight bits", mvau.weightBits, "need integer weights; the engine's are bipolar (weight_bits 1)") }
      let lane = DataType.int(e.weightBits)
      guard mvau.weights.allSatisfy({ lane.allows(Double($0)) }) else {
        throw exceed(mvau, "weight bits", mvau.weightBits, "exceed the engine's weight_bits \(e.weightBits) (signed)")
      }
    }
    guard mvau.inputType.isInteger || mvau.inputType == .bipolar || mvau.inputType == .binary else {
      throw .unsupportedLayer(layer: mvau.name, op: "MVAU", reason: "\(mvau.inputType) inputs; the engine takes integers")
    }
    guard mvau.inputBits <= e.activationBits else {
      throw exceed(mvau, "input bits", mvau.inputBits, "exceed the engine's activation_bits \(e.activationBits)")
    }
    if mvau.inputType == .bipolar && !mvau.xnor && e.weightBits == 1 {
      throw exceed(mvau, "weight bits", 1, "too few: bipolar inputs without XNOR need weight_bits ≥ 2 so padded channels hold zero weights")
    }
    guard e.accumulatorRange.contains(mvau.accumulatorRange.lowerBound), e.accumulatorRange.contains(mvau.accumulatorRange.upperBound) else {
      throw exceed(mvau, "accumulator bits", mvau.accumulatorRegisterBits, "exceed the engine's threshold_bits \(e.thresholdBits) (its top value is reserved)")
    }
    if mvau.thresholds > 0 {
      guard mvau.thresholds <= e.thresholdsPerChannel else {
        throw exceed(mvau, "thresholds per channel", mvau.thresholds, "exceed the engine's \(e.thresholdsPerChannel) (2^activation_bits − 1)")
      }
      guard mvau.outputBits <= e.activationBits else {
        throw exceed(mvau, "output bits", mvau.outputBits, "exceed the engine's activation_bits \(e.activationBits)")
      }
      guard Int64(Int32.min)...Int64(Int32.max) ~= Int64(mvau.outScale), Int64(Int32.min)...Int64(Int32.max) ~= Int64(mvau.outBias) else {
        throw exceed(mvau, "output scale", mvau.outScale, "or bias \(mvau.outBias) does not fit a 32-bit register")
      }
    }
  }
}
