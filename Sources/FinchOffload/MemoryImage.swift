import FinchCost
import FinchIR
import Foundation

/// The memory image file: the weight and threshold regions of a schedule,
/// packed as the engine reads them (Docs/offload.md §6), `image_bytes` long.
///
/// A weight region holds the call's PE groups `n`, each `simd_folds` engine
/// words `n·SF + f` (``HardwareLayer/weightMemory(_:laneBits:)`` of the layer
/// with its channels padded: lane `(p, s)` = weight of window element
/// `f·SIMD + s`, output channel `n·PE + p`, `weight_bits` wide). A threshold
/// region holds one engine word per PE group, `2^A − 1` thresholds per lane
/// (``HardwareLayer/thresholdMemory(_:fieldBits:)``), unused slots and padded
/// channels holding ``EngineConfiguration/neverThreshold``. Each engine word
/// takes whole memory words, least significant bits first, little-endian bytes.
public struct MemoryImage: Sendable, Equatable {
  public var bytes: [UInt8]

  /// Packs every call of `schedule` from the layer list it was compiled from.
  public init(schedule: Schedule, layers: [HardwareLayer]) throws(FinchOffloadError) {
    let e = schedule.engine
    var bytes = [UInt8](repeating: 0, count: schedule.memory.imageBytes)
    let byName = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    // Each layer packed once (its tiles are slices of it).
    var packed: [String: (weights: [BitWord], thresholds: [BitWord])] = [:]
    let folding = LayerFolding(pe: e.pe, simd: e.simd)
    for call in schedule.calls {
      guard let mvau = byName[call.mvau], mvau.kind == .mvau else { throw .invalidSchedule("call \(call.index) names MVAU '\(call.mvau)', which the layer list lacks") }
      let memories: (weights: [BitWord], thresholds: [BitWord])
      if let known = packed[mvau.name] {
        memories = known
      } else {
        let kernel = Int(call[.kernel] ?? 0x101)
        let layer = try Self.padded(mvau, kernelArea: (kernel & 0xFF) * (kernel >> 8), inChannels: Int(call[.inChannels] ?? 0), engine: e)
        memories = (layer.weightMemory(folding, laneBits: e.weightBits), layer.thresholdMemory(folding, fieldBits: e.thresholdBits))
        packed[mvau.name] = memories
      }
      let n0 = call.firstChannel / e.pe
      let words = (n0 * call.simdFolds)..<((n0 + call.peGroups) * call.simdFolds)
      guard words.upperBound <= memories.weights.count else { throw .invalidSchedule("call \(call.index) reaches past the weights of '\(mvau.name)'") }
      try Self.write(memories.weights[words], wordsEach: e.memoryWordsPerWeightWord, at: Int(call[.weightAddress] ?? 0), engine: e, into: &bytes)
      if call.thresholdWords > 0 {
        guard n0 + call.peGroups <= memories.thresholds.count else { throw .invalidSchedule("call \(call.index) reaches past the thresholds of '\(mvau.name)'") }
        let thresholds = memories.thresholds[n0..<(n0 + call.peGroups)]
        try Self.write(thresholds, wordsEach: e.memoryWordsPerThresholdWord, at: Int(call[.thresholdAddress] ?? 0), engine: e, into: &bytes)
      }
    }
    self.bytes = bytes
  }

  /// `mvau` with its window channels padded to `inChannels` and its output
  /// channels to the record quantum; padded weights contribute nothing (0, or
  /// +1 against the 0 encoding padded inputs hold when the weights are bipolar),
  /// thresholds padded to the engine's count with the never-reached value.
  static func padded(_ mvau: HardwareLayer, kernelArea: Int, inChannels cinP: Int, engine e: EngineConfiguration) throws(FinchOffloadError) -> HardwareLayer {
    guard kernelArea > 0, mvau.mw % kernelArea == 0, cinP >= mvau.mw / kernelArea else {
      throw .invalidSchedule("the kernel and input channels of '\(mvau.name)' do not match its \(mvau.mw) columns")
    }
    let cin = mvau.mw / kernelArea, (mh, cs) = (mvau.mh, roundUp(mvau.mh, e.channelQuantum))
    let bipolar = mvau.xnor || e.weightBits == 1
    var p = mvau
    (p.mw, p.mh) = (kernelArea * cinP, cs)
    p.weightType = bipolar ? .bipolar : .int(e.weightBits)
    p.weightBits = p.weightType.bitWidth
    var w = [Int64](repeating: bipolar ? 1 : 0, count: p.mw * cs)
    for k in 0..<kernelArea {
      for c in 0..<cin {
        for o in 0..<mh { w[(k * cinP + c) * cs + o] = mvau.weights[(k * cin + c) * mh + o] }
      }
    }
    p.weights = w
    if mvau.thresholds > 0 {
      let never = e.neverThreshold
      p.thresholds = e.thresholdsPerChannel
      p.thresholdValues = (0..<cs).map { o in
        let real = o < mh ? mvau.thresholdValues[o] : []
        return real + [Int64](repeating: never, count: e.thresholdsPerChannel - real.count)
      }
    }
    return p
  }

  private static func write(
    _ words: ArraySlice<BitWord>, wordsEach: Int, at offset: Int, engine e: EngineConfiguration, into bytes: inout [UInt8]
  ) throws(FinchOffloadError) {
    let stride = wordsEach * e.memoryWordBytes
    guard offset >= 0, offset + words.count * stride <= bytes.count else { throw .invalidSchedule("a region at \(offset) runs past the image") }
    for (i, word) in words.enumerated() {
      let base = offset + i * stride
      for (l, limb) in word.limbs.enumerated() {
        for b in 0..<8 where l * 8 + b < stride { bytes[base + l * 8 + b] = UInt8(truncatingIfNeeded: limb >> UInt64(8 * b)) }
      }
    }
  }

  /// Writes the image file.
  public func write(to url: URL) throws(FinchOffloadError) {
    do { try Data(bytes).write(to: url, options: .atomic) } catch { throw .invalidSchedule("cannot write \(url.path): \(error)") }
  }
}
