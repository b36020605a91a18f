/// The FIFOs and data-width converters between consecutive hardware layers,
/// and what they cost. The RTL stitcher places exactly these.
///
/// A FIFO of ``minimumFIFODepth`` words sits in front of every layer after the
/// first (in the consumer's input words): it absorbs the producer's bursts. In
/// front of an MVAU it also holds one whole input vector (MW/SIMD words),
/// because the MVAU reads a vector and then replays it for its other neuron
/// folds while the producer keeps going. A width converter precedes the FIFO
/// wherever the producer's output word and the consumer's input word differ.
public enum StreamGlue {
  /// FIFO words in front of every layer but the first.
  public static let minimumFIFODepth = 32

  /// One FIFO or converter.
  public struct Element: Sendable, Equatable {
    public enum Kind: String, Sendable { case fifo = "FIFO", dwc = "DWC" }
    public var kind: Kind
    /// The layer it feeds.
    public var consumer: String
    public var inputBits: Int
    public var outputBits: Int
    /// FIFO depth in words (0 for a converter).
    public var depth: Int
    /// Words through it per frame (at its output).
    public var words: Int
  }

  /// Elements per word at a layer's input (SIMD or PE) and output.
  static func inputFold(_ l: HardwareLayer, _ f: LayerFolding) -> Int { l.kind == .mvau || l.kind == .swu ? f.simd : f.pe }
  static func outputFold(_ l: HardwareLayer, _ f: LayerFolding) -> Int {
    switch l.kind {
    case .mvau, .thresholding, .streamingMaxPool: return f.pe
    case .swu: return f.simd
    case .labelSelect: return 1
    }
  }

  /// Words per frame entering a layer.
  static func inputWords(_ l: HardwareLayer, _ f: LayerFolding) -> Int {
    let elements: Int
    switch l.kind {
    case .mvau: elements = l.mw * l.vectors
    case .swu, .streamingMaxPool: elements = l.inputDims[0] * l.inputDims[1] * l.channels
    case .thresholding, .labelSelect: elements = l.channels * l.vectors
    }
    return elements / max(inputFold(l, f), 1)
  }

  /// The FIFO depth in front of `consumer`.
  public static func fifoDepth(_ consumer: HardwareLayer, _ folding: LayerFolding) -> Int {
    minimumFIFODepth + (consumer.kind == .mvau ? consumer.mw / max(folding.simd, 1) : 0)
  }

  /// The glue between consecutive layers, in stream order.
  public static func elements(_ layers: [HardwareLayer], _ foldings: [LayerFolding]) -> [Element] {
    var result: [Element] = []
    for i in layers.indices.dropFirst() {
      let (p, c) = (layers[i - 1], layers[i])
      let outBits = outputFold(p, foldings[i - 1]) * p.outputBits, inBits = inputFold(c, foldings[i]) * c.inputBits
      let words = inputWords(c, foldings[i])
      if outBits != inBits {
        result.append(Element(kind: .dwc, consumer: c.name, inputBits: outBits, outputBits: inBits, depth: 0, words: words))
      }
      result.append(Element(kind: .fifo, consumer: c.name, inputBits: inBits, outputBits: inBits, depth: fifoDepth(c, foldings[i]), words: words))
    }
    return result
  }

  /// Cycles per frame: one word per cycle through either element.
  public static func cycles(_ e: Element) -> Int { e.words }

  /// Resources on a part of `family`, fitted to Yosys synthesis of
  /// finch_fifo.v and finch_dwc.v (xc7: 30 FIFOs, 25 converters, see
  /// ``ResourceModel``; iCE40: 20 FIFO shapes):
  /// - FIFO with `AW = ⌈log2 depth⌉` pointer bits: `6·AW` LUTs of pointers and
  ///   counter and `4·AW + 1` flip-flops, plus the `width × depth` memory (read
  ///   asynchronously) through ``ResourceModel/ram(width:depth:asyncRead:on:)``.
  ///   In block RAM the read becomes registered: the output word costs `width`
  ///   LUTs and flip-flops on Xilinx; on iCE40 `23 + width` LUTs and `width - 5` flip-flops.
  /// - Converter between `n`- and `m`-bit words (`n ≤ m`): `4 + 7/4·m + n` LUTs
  ///   (shift register and its muxes) and `n + m + ⌈log2(m/n + 1)⌉` flip-flops.
  public static func resources(_ e: Element, on family: DeviceFamily) -> Resources {
    switch e.kind {
    case .fifo:
      let aw = max(bits(0, Double(max(e.depth, 2) - 1)), 1)
      let memory = ResourceModel.ram(width: e.inputBits, depth: e.depth, asyncRead: true, on: family)
      var pointers = Resources(lut: 6 * aw, ff: 4 * aw + 1)
      if memory.ebr > 0 {
        pointers = pointers + Resources(lut: 23 + e.inputBits, ff: e.inputBits - 5)
      } else if memory.bram18 > 0 {
        pointers = pointers + Resources(lut: e.inputBits, ff: e.inputBits)
      }
      return pointers + memory
    case .dwc:
      let (small, large) = (max(min(e.inputBits, e.outputBits), 1), max(e.inputBits, e.outputBits))
      let counter = bits(0, Double(large / small))
      return Resources(lut: 4 + divUp(7 * large, 4) + small, ff: small + large + counter)
    }
  }
}
