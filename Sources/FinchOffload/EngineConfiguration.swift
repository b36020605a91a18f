/// The parameters of one offload engine (Docs/offload.md §2): its parallelism,
/// lane widths, the largest layer geometry it accepts, its on-chip buffer
/// depths and the width of its memory port. Validated when made or decoded,
/// so the schedule compiler, the cost model and the resource estimate never
/// see an out-of-range value.
public struct EngineConfiguration: Sendable, Codable, Equatable, Hashable {
  /// Output lanes (output channels computed in parallel).
  public var pe: Int
  /// Input lanes (window elements consumed per cycle by each PE).
  public var simd: Int
  /// Bits of a weight lane; 1 means bipolar (±1) weights only.
  public var weightBits: Int
  /// Bits of an activation lane (inputs and thresholded outputs).
  public var activationBits: Int
  /// Bits of the accumulator and of every stored threshold (two's complement).
  public var thresholdBits: Int
  /// Largest kernel height and width, of a convolution or a max-pool.
  public var maxKernel: Int
  /// Largest input channel count, after padding to a multiple of SIMD.
  public var maxChannels: Int
  /// Largest input height and width, padding included.
  public var maxImageSize: Int
  /// Weight buffer depth, in words of `PE·SIMD·weightBits` bits.
  public var weightDepth: Int
  /// Threshold buffer depth, in words of `PE·thresholdsPerChannel·thresholdBits` bits.
  public var thresholdDepth: Int
  /// Width of a memory port word in bits (32, 64, 128, 256 or 512).
  public var memoryWordBits: Int

  /// Makes and validates a configuration.
  public init(
    pe: Int, simd: Int, weightBits: Int, activationBits: Int, thresholdBits: Int, maxKernel: Int, maxChannels: Int,
    maxImageSize: Int, weightDepth: Int, thresholdDepth: Int, memoryWordBits: Int = 64
  ) throws(FinchOffloadError) {
    (self.pe, self.simd, self.weightBits, self.activationBits, self.thresholdBits) = (pe, simd, weightBits, activationBits, thresholdBits)
    (self.maxKernel, self.maxChannels, self.maxImageSize) = (maxKernel, maxChannels, maxImageSize)
    (self.weightDepth, self.thresholdDepth, self.memoryWordBits) = (weightDepth, thresholdDepth, memoryWordBits)
    try validate()
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    pe = try c.decode(Int.self, forKey: .pe)
    simd = try c.decode(Int.self, forKey: .simd)
    weightBits = try c.decode(Int.self, forKey: .weightBits)
    activationBits = try c.decode(Int.self, forKey: .activationBits)
    thresholdBits = try c.decode(Int.self, forKey: .thresholdBits)
    maxKernel = try c.decode(Int.self, forKey: .maxKernel)
    maxChannels = try c.decode(Int.self, forKey: .maxChannels)
    maxImageSize = try c.decode(Int.self, forKey: .maxImageSize)
    weightDepth = try c.decode(Int.self, forKey: .weightDepth)
    thresholdDepth = try c.decode(Int.self, forKey: .thresholdDepth)
    memoryWordBits = try c.decode(Int.self, forKey: .memoryWordBits)
    try validate()
  }

  enum CodingKeys: String, CodingKey {
    case pe, simd
    case weightBits = "weight_bits", activationBits = "activation_bits", thresholdBits = "threshold_bits"
    case maxKernel = "max_kernel", maxChannels = "max_channels", maxImageSize = "max_image_size"
    case weightDepth = "weight_depth", thresholdDepth = "threshold_depth", memoryWordBits = "memory_word_bits"
  }

  /// The range each field may take, by its JSON name.
  public static let ranges: [(field: String, range: ClosedRange<Int>)] = [
    ("pe", 1...1024), ("simd", 1...1024), ("weight_bits", 1...8), ("activation_bits", 1...8), ("threshold_bits", 2...32),
    ("max_kernel", 1...15), ("max_channels", 1...65_535), ("max_image_size", 1...4095), ("weight_depth", 1...(1 << 24)),
    ("threshold_depth", 1...(1 << 24)), ("memory_word_bits", 32...512),
  ]

  private var values: [Int] {
    [pe, simd, weightBits, activationBits, thresholdBits, maxKernel, maxChannels, maxImageSize, weightDepth, thresholdDepth, memoryWordBits]
  }

  private func validate() throws(FinchOffloadError) {
    for ((field, range), value) in zip(Self.ranges, values) where !range.contains(value) {
      throw .invalidConfiguration(field: field, value: value, reason: "must be \(range.lowerBound)...\(range.upperBound)")
    }
    guard [32, 64, 128, 256, 512].contains(memoryWordBits) else {
      throw .invalidConfiguration(field: "memory_word_bits", value: memoryWordBits, reason: "must be 32, 64, 128, 256 or 512")
    }
    guard pe * simd <= 65_536 else { throw .invalidConfiguration(field: "simd", value: simd, reason: "PE·SIMD must be at most 65536 lanes") }
    guard maxChannels % simd == 0 else {
      throw .invalidConfiguration(field: "max_channels", value: maxChannels, reason: "must be a multiple of SIMD \(simd)")
    }
  }

  /// Thresholds stored per output channel: one per step of an activation lane, `2^A − 1`.
  public var thresholdsPerChannel: Int { (1 << activationBits) - 1 }
  /// Bits of one weight buffer word.
  public var weightWordBits: Int { pe * simd * weightBits }
  /// Bits of one threshold buffer word.
  public var thresholdWordBits: Int { pe * thresholdsPerChannel * thresholdBits }
  /// Memory words that carry one weight buffer word.
  public var memoryWordsPerWeightWord: Int { divUp(weightWordBits, memoryWordBits) }
  /// Memory words that carry one threshold buffer word.
  public var memoryWordsPerThresholdWord: Int { divUp(thresholdWordBits, memoryWordBits) }
  /// Bytes of one memory word.
  public var memoryWordBytes: Int { memoryWordBits / 8 }
  /// Largest fan-in of one output (window elements): what the window buffer holds, `maxKernel²·maxChannels`.
  public var maxFanIn: Int { maxKernel * maxKernel * maxChannels }
  /// The accumulator's range, less the top value, which marks a threshold that is never reached.
  public var accumulatorRange: ClosedRange<Int64> { -(Int64(1) << (thresholdBits - 1))...((Int64(1) << (thresholdBits - 1)) - 2) }
  /// The threshold no accumulator reaches (pads unused threshold slots and channels).
  public var neverThreshold: Int64 { (Int64(1) << (thresholdBits - 1)) - 1 }
  /// Most memory words of one burst on the memory port, and so of one output pixel's tile.
  public static let maxBurstWords = 256
  /// Most PE groups of a conv+pool call: the pool buffer holds `ceil(maxChannels / PE)` groups per pixel.
  public var maxPoolGroups: Int { divUp(maxChannels, pe) }
  /// Window buffer depth in words of SIMD activation lanes: `max_kernel + 1`
  /// rows of a `max_image_size`-wide image of `max_channels` (the row being
  /// replaced while `max_kernel` rows are read), or one whole FC window.
  public var windowBufferDepth: Int { max((maxKernel + 1) * maxImageSize, maxKernel * maxKernel) * (maxChannels / simd) }
  /// Pool buffer depth in words of PE output codes: `max_kernel + 1` rows of
  /// `max_image_size` convolution output pixels of ``maxPoolGroups`` groups.
  public var poolBufferDepth: Int { (maxKernel + 1) * maxImageSize * maxPoolGroups }
  /// Channels of every activation record: counts round up to a multiple of this, `lcm(PE, SIMD)`.
  public var channelQuantum: Int { lcm(pe, simd) }
}

func divUp(_ a: Int, _ b: Int) -> Int { (a + b - 1) / max(b, 1) }
func roundUp(_ a: Int, _ b: Int) -> Int { divUp(a, b) * b }
func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }
