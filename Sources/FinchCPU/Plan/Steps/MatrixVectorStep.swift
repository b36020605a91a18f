import FinchIR

/// A matrix-vector-activation unit on the CPU: each input row (the last axis,
/// MW values) times the `[MW, MH]` weights, then thresholds or the raw sums.
///
/// Bipolar layers (`xnor`) pack rows into bits (or assemble convolution windows
/// from packed pixels) and run the XNOR-popcount GEMM; the others run the
/// 16-bit integer GEMM. Rows go through in blocks: GEMM into
/// a scratch block of accumulators, then the epilogue writes the block's outputs
/// while it is still in cache.
final class MatrixVectorStep: PlanStep, @unchecked Sendable {
  /// Where the rows come from.
  enum Source {
    /// 16-bit rows of MW values.
    case rows(ValueBuffer)
    /// The windows of a sliding window unit over a packed bipolar image.
    case packedWindows(PackedPixels, WindowGeometry)
    /// The windows of a sliding window unit over a 16-bit image, written a block at a time to scratch.
    case windows(ValueBuffer, WindowGeometry)
  }

  let node: String
  private(set) var kernel: String
  let itemsPerSample: Int
  let costPerItem: Int
  let scratchBytes: Int

  private let source: Source, output: ValueBuffer
  private let mw: Int, mh: Int, xnor: Bool
  private let epilogue: ThresholdEpilogue?
  /// Bipolar weights packed in the binary kernels' panels, or 16-bit weights in the integer kernels' panels.
  private let packedWeights: BinaryWeightPanels?
  private let integerWeights: IntegerWeightPanels?
  /// The same weights as bytes, for the VNNI kernel, when inputs and weights fit 8 bits.
  private let byteWeights: ByteWeightPanels?
  private let words: Int
  private let blockRows: Int

  /// - Parameters: `weights` `[MW, MH]` integers; `thresholds` `[MH, B]` integers or nil;
  ///   `inputType` bounds the accumulators, which must fit 31 bits.
  init(
    node: String, attributes m: MVAU, source: Source, inputType: DataType, output: ValueBuffer, weights: Tensor,
    thresholds: Tensor?
  ) throws(CPUPlanError) {
    (mw, mh) = (weights.shape[0], weights.shape[1])
    switch source {
    case .rows(let input):
      guard input.kind == .int16 else { throw .unsupportedGraph("MVAU \(node) needs integer inputs of at most 16 bits") }
      itemsPerSample = input.sampleCount / max(mw, 1)
    case .packedWindows(_, let g), .windows(_, let g):
      guard g.windowSize == mw else { throw .unsupportedGraph("MVAU \(node): MW = \(mw) but windows hold \(g.windowSize)") }
      if case .packedWindows = source, !m.xnor { throw .unsupportedGraph("MVAU \(node): packed windows need XNOR mode") }
      if case .windows = source, m.xnor { throw .unsupportedGraph("MVAU \(node): XNOR windows come packed") }
      if case .windows(let image, _) = source, image.kind != .int16 {
        throw .unsupportedGraph("MVAU \(node) needs integer inputs of at most 16 bits")
      }
      itemsPerSample = g.windowsPerSample
    }
    let largestWeight = weights.floats.map { abs(Double($0)) }.max() ?? 0
    let largestInput = max(abs(inputType.min), abs(inputType.max))
    guard Double(mw) * largestWeight * largestInput < Double(1 << 30) else {
      throw .unsupportedGraph("MVAU \(node) needs accumulators wider than 31 bits")
    }
    self.node = node
    self.source = source
    self.output = output
    xnor = m.xnor
    words = BinaryGEMM.wordsPerRow(bits: mw)
    blockRows = max(1, min(64, 16384 / max(mh, 1)))
    let w = weights.int64s
    let (mw, mh, words, blockRows) = (mw, mh, words, blockRows)
    if xnor {
      kernel = "binary GEMM"
      var signs = [Int16](repeating: 0, count: mh * mw)
      for i in 0..<mw { for o in 0..<mh { signs[o * mw + i] = w[i * mh + o] > 0 ? 1 : -1 } }
      var rows = [UInt64](repeating: 0, count: max(1, mh * words))
      rows.withUnsafeMutableBufferPointer { packed in
        signs.withUnsafeBufferPointer { BinaryGEMM.pack($0.baseAddress!, rows: mh, columns: mw, sourceStride: mw, into: packed.baseAddress!) }
      }
      packedWeights = rows.withUnsafeBufferPointer { BinaryWeightPanels($0.baseAddress!, rows: mh, bits: mw) }
      integerWeights = nil
      byteWeights = nil
      costPerItem = mh * words
      scratchBytes = blockRows * (words * 8 + mh * 4)
    } else {
      guard w.allSatisfy({ (-32768...32767).contains($0) }) else {
        throw .unsupportedGraph("MVAU \(node) has weights wider than 16 bits")
      }
      var transposed = [Int16](repeating: 0, count: max(1, mh * mw))
      for i in 0..<mw { for o in 0..<mh { transposed[o * mw + i] = Int16(w[i * mh + o]) } }
      integerWeights = transposed.withUnsafeBufferPointer { IntegerWeightPanels($0.baseAddress!, rows: mh, ldb: mw, depth: mw) }
      // 8-bit inputs (shifted into 0...255) against 8-bit weights run on bytes, where
      // rows are long enough to repay narrowing them (short ones stay on 16 bits).
      let offset: Int16? = mw < 64 ? nil :
        inputType.min >= -128 && inputType.max <= 127 ? 128 : (inputType.min >= 0 && inputType.max <= 255 ? 0 : nil)
      byteWeights = offset.flatMap { offset in
        Double(mw) * 128 * 128 < Double(1 << 30)
          ? transposed.withUnsafeBufferPointer {
            ByteWeightPanels($0.baseAddress!, rows: mh, ldb: mw, depth: mw, activationOffset: offset)
          } : nil
      }
      kernel = byteWeights == nil ? "integer GEMM" : "byte GEMM"
      packedWeights = nil
      costPerItem = mh * mw
      scratchBytes = blockRows * (mh * 4 + mw * 2) + (byteWeights?.scratchBytes ?? 0)
    }
    epilogue = try thresholds.map { t throws(CPUPlanError) in
      try ThresholdEpilogue(node: node, thresholds: t, outScale: m.outScale, outBias: m.outBias)
    }
    if epilogue?.requantizes == true { kernel += " + requantization" }
  }

  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    var row = items.lowerBound
    while row < items.upperBound {
      let rows = min(blockRows, items.upperBound - row)
      let acc: UnsafeMutablePointer<Int32>
      if let packedWeights {
        let packed = scratch.assumingMemoryBound(to: UInt64.self)
        acc = (scratch + blockRows * words * 8).assumingMemoryBound(to: Int32.self)
        packRows(row..<(row + rows), into: packed)
        BinaryGEMM.matches(a: packed, rows: rows, weights: packedWeights, c: acc, ldc: mh)
      } else {
        acc = scratch.assumingMemoryBound(to: Int32.self)
        let a: UnsafePointer<Int16>
        switch source {
        case .rows(let input): a = UnsafePointer(input.int16 + row * mw)
        case .windows(let image, let g):
          let block = (scratch + blockRows * mh * 4).assumingMemoryBound(to: Int16.self)
          g.windows(row, count: rows, of: image.int16, into: block)
          a = UnsafePointer(block)
        case .packedWindows: return
        }
        if let byteWeights {
          byteWeights.multiply(a: a, rows: rows, lda: mw, scratch: scratch + blockRows * (mh * 4 + mw * 2), c: acc, ldc: mh)
        } else if let integerWeights {
          IntegerGEMM.multiply(a: a, rows: rows, lda: mw, weights: integerWeights, c: acc, ldc: mh)
        }
      }
      write(acc, rows: rows, firstRow: row)
      row += rows
    }
  }

  /// The bit rows of items `items`, `words` words apart.
  private func packRows(_ items: Range<Int>, into packed: UnsafeMutablePointer<UInt64>) {
    switch source {
    case .rows(let input):
      BinaryGEMM.pack(input.int16 + items.lowerBound * mw, rows: items.count, columns: mw, sourceStride: mw, into: packed)
    case .packedWindows(let pixels, let g):
      let padBit = g.padValue > 0
      pixels.windows(items.lowerBound, count: items.count, g, padBit: padBit, into: packed, rowWords: words)
    case .windows: preconditionFailure("XNOR layers read packed windows")
    }
  }

  /// The epilogue: thresholds, or the raw dot products (±1 products for XNOR layers).
  private func write(_ acc: UnsafeMutablePointer<Int32>, rows: Int, firstRow: Int) {
    let base = firstRow * mh
    if let epilogue {
      if output.kind == .int16 {
        let out = output.int16 + base
        epilogue.apply(acc, rows: rows, count: mh, into: out)
      } else {
        for r in 0..<rows {
          for c in 0..<mh { output.set(Float(epilogue.level(acc[r * mh + c], channel: c)), at: base + r * mh + c) }
        }
      }
      return
    }
    let n = rows * mh, bits = Int32(mw)
    switch output.kind {
    case .int16:
      for i in 0..<n { output.int16[base + i] = Int16(truncatingIfNeeded: xnor ? 2 &* acc[i] &- bits : acc[i]) }
    case .int32:
      for i in 0..<n { output.int32[base + i] = xnor ? 2 &* acc[i] &- bits : acc[i] }
    default:
      for i in 0..<n { output.set(Float(xnor ? 2 &* acc[i] &- bits : acc[i]), at: base + i) }
    }
  }
}
