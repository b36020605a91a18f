/// The rules for the FIFOs and data-width converters between consecutive
/// hardware layers (``DataflowPipeline`` places them), and what they cost.
///
/// A FIFO sits in front of every layer after the first (in the consumer's
/// input words), as deep as ``FIFOSizing`` finds the schedule needs. A width converter precedes the FIFO wherever the producer's output
/// word and the consumer's input word differ.
public enum StreamGlue {
  /// The depth every FIFO had by rule before ``FIFOSizing`` (plus `MW/SIMD`
  /// in front of an MVAU), kept to compare against.
  public static let minimumFIFODepth = 32

  /// The old rule's FIFO depth in front of `consumer`: ``minimumFIFODepth``
  /// plus one input vector in front of an MVAU.
  public static func ruleFIFODepth(_ consumer: HardwareLayer, _ folding: LayerFolding) -> Int {
    minimumFIFODepth + (consumer.kind == .mvau ? consumer.mw / max(folding.simd, 1) : 0)
  }

  /// Resources on a part of `family` (``ResourceModel`` weighs ``terms(_:on:)``).
  public static func resources(_ e: DataflowPipeline.Element, on family: DeviceFamily) -> Resources? {
    switch e.kind {
    case .layer: return nil
    case .fifo(let depth): return fifoResources(width: e.input.wordBits, depth: depth, on: family)
    case .dwc: return dwcResources(inputBits: e.input.wordBits, outputBits: e.output.wordBits, on: family)
    case .dup: return ResourceCoefficients.bundled.resources(dupTerms(width: e.input.wordBits), on: family)
    }
  }

  /// Fan-out terms (finch_dup.v): the word register and a valid flag per
  /// output; the input's ready is one LUT of the two outputs' flags and readies.
  public static func dupTerms(width: Int) -> ResourceTerms {
    var t = ResourceTerms(.fifo)
    t.ff["pointers"] = Double(width + 2)
    t.lut["pointers"] = 3
    return t
  }

  /// A FIFO of `depth` words of `width` bits (finch_fifo.v).
  public static func fifoResources(width: Int, depth: Int, on family: DeviceFamily) -> Resources {
    ResourceCoefficients.bundled.resources(fifoTerms(width: width, depth: depth, on: family), on: family)
  }

  /// A converter between `inputBits`- and `outputBits`-bit words (finch_dwc.v).
  public static func dwcResources(inputBits: Int, outputBits: Int, on family: DeviceFamily) -> Resources {
    ResourceCoefficients.bundled.resources(dwcTerms(inputBits: inputBits, outputBits: outputBits), on: family)
  }

  /// FIFO terms: `AW = ⌈log2 depth⌉` pointer and counter bits and the
  /// `width × depth` memory, read asynchronously (see ``ResourceTerms/ram(width:depth:asyncRead:on:)``).
  public static func fifoTerms(width: Int, depth: Int, on family: DeviceFamily) -> ResourceTerms {
    var t = ResourceTerms(.fifo)
    let aw = Double(max(ceilLog2(max(depth, 2)), 1))
    t.lut["pointers"] = aw
    t.ff["pointers"] = aw
    t.ram(width: width, depth: depth, asyncRead: true, on: family)
    return t
  }

  /// Width converter terms, by the case finch_dwc.v builds: a gather
  /// (output a multiple `K` of the input) shifts `outputBits` into a register
  /// under a count; a split (input `K` times the output) loads `inputBits` and
  /// reads them through `outputBits` `K`-way AND-OR muxes on a `K`-bit
  /// one-hot select (`split_mux`: the `inputBits` mux inputs); any other ratio is a buffer of `n + m` bits
  /// whose incoming word is shifted into place by the fill count, a barrel
  /// shifter of `levels` stages (the fill's bits less those always zero: the
  /// trailing zero bits of gcd(n, m), which synthesis finds constant).
  public static func dwcTerms(inputBits: Int, outputBits: Int) -> ResourceTerms {
    var t = ResourceTerms(.dwc)
    guard inputBits != outputBits else {
      (t.lut, t.ff) = ([:], [:])  // a pass-through: wires only
      return t
    }
    let (n, m) = (max(inputBits, 1), max(outputBits, 1))
    if m % n == 0 {
      let count = Double(ceilLog2(m / n + 1))
      t.lut["count"] = count
      t.ff["count"] = count
      t.ff["gather"] = Double(m)
      return t
    }
    if n % m == 0 {
      let k = n / m
      t.lut["select"] = Double(k)
      t.ff["select"] = Double(k)
      t.ff["split"] = Double(n)
      t.lut["split_mux"] = Double(n)
      return t
    }
    t.lut["general"] = 1
    t.ff["general"] = 1
    let capacity = n + m
    let levels = max(ceilLog2(capacity + 1) - gcd(n, m).trailingZeroBitCount, 0)
    t.lut["barrel"] = Double(capacity * levels)
    t.lut["input_barrel"] = Double(n * levels)
    t.ff["capacity"] = Double(capacity)
    t.ff["wide"] = Double(max(n, m))
    t.ff["narrow"] = Double(min(n, m))
    return t
  }
}
