/// The on-chip memories of a folded layer, packed word by word: what the
/// RTL backend writes as `$readmemh` files and an offload engine would stream.
///
/// - MVAU weights: `MH/PE · MW/SIMD` words, word `nf·SF + sf` holding the
///   PE × SIMD tile, lane `(p, s)` at bit `(p·SIMD + s)·W_BITS` =
///   `W[sf·SIMD + s][nf·PE + p]` in the weight type's encoding (bipolar: 1 = +1).
/// - MVAU thresholds: `MH/PE` words, word `nf` holding lane `p`, threshold `j`
///   at bit `(p·B + j)·T_BITS` (``HardwareLayer/thresholdBits``), two's complement.
/// - Thresholding levels: for each lane `p`, channel group `g` (one group when
///   the thresholds are shared, else `C/PE`) and input encoding `v`, the output
///   level of channel `g·PE + p` in the output type's encoding.
extension HardwareLayer {
  /// The MVAU's weight memory at `folding`; `laneBits` (at least the weight
  /// type's width) widens every lane, as an offload engine's fixed lanes need.
  public func weightMemory(_ folding: LayerFolding, laneBits: Int? = nil) -> [BitWord] {
    let (pe, simd) = (folding.pe, folding.simd)
    let wBits = max(laneBits ?? 0, weightType.bitWidth)
    let format = StreamFormat(dataType: weightType, elementsPerWord: 1)
    var words: [BitWord] = []
    words.reserveCapacity((mh / pe) * (mw / simd))
    for n in 0..<(mh / pe) {
      for f in 0..<(mw / simd) {
        var word = BitWord(bits: pe * simd * wBits)
        for p in 0..<pe {
          for s in 0..<simd {
            word.set(format.encode(weights[(f * simd + s) * mh + n * pe + p]), at: (p * simd + s) * wBits, bits: wBits)
          }
        }
        words.append(word)
      }
    }
    return words
  }

  /// The MVAU's threshold memory at `folding` (empty without thresholds);
  /// `fieldBits` (at least ``thresholdBits``) widens every threshold field.
  public func thresholdMemory(_ folding: LayerFolding, fieldBits: Int? = nil) -> [BitWord] {
    guard thresholds > 0 else { return [] }
    let (pe, tBits) = (folding.pe, max(fieldBits ?? 0, thresholdBits))
    let mask: UInt64 = tBits >= 64 ? .max : (1 << UInt64(tBits)) - 1
    return (0..<(mh / pe)).map { n in
      var word = BitWord(bits: pe * thresholds * tBits)
      for p in 0..<pe {
        for (j, t) in thresholdValues[n * pe + p].enumerated() {
          word.set(UInt64(bitPattern: t) & mask, at: (p * thresholds + j) * tBits, bits: tBits)
        }
      }
      return word
    }
  }

  /// The thresholding layer's level memory at `folding`, one output element per word.
  public func levelMemory(_ folding: LayerFolding) throws(FinchCostError) -> [BitWord] {
    let levels = try levels()
    let pe = folding.pe
    let groups = sharedThresholds ? 1 : channels / pe
    let format = StreamFormat(dataType: outputType, elementsPerWord: 1)
    var words: [BitWord] = []
    for p in 0..<pe {
      for g in 0..<groups {
        for v in levels.indices {
          var word = BitWord(bits: format.elementBits)
          word.set(format.encode(levels[v][g * pe + p]), at: 0, bits: format.elementBits)
          words.append(word)
        }
      }
    }
    return words
  }
}

/// A wide memory word built bit field by bit field.
public struct BitWord: Sendable, Equatable {
  /// Its width in bits.
  public let bits: Int
  /// The bits, least significant limb first.
  public private(set) var limbs: [UInt64]

  /// A word of `bits` zero bits.
  public init(bits: Int) {
    self.bits = bits
    limbs = [UInt64](repeating: 0, count: (bits + 63) / 64)
  }

  /// Sets the `count`-bit field at `bit` to the low bits of `value` (the field must be zero).
  public mutating func set(_ value: UInt64, at bit: Int, bits count: Int) {
    for b in 0..<count where value >> UInt64(b) & 1 == 1 { limbs[(bit + b) / 64] |= 1 << UInt64((bit + b) % 64) }
  }

  /// The word in hex, most significant digit first, `⌈bits/4⌉` digits (at least one).
  public var hex: String {
    let digits = max(1, (bits + 3) / 4)
    var s = ""
    s.reserveCapacity(digits)
    for d in stride(from: digits - 1, through: 0, by: -1) {
      let limb = d / 16 < limbs.count ? limbs[d / 16] : 0
      s.append(String(limb >> UInt64((d % 16) * 4) & 0xF, radix: 16))
    }
    return s
  }
}
