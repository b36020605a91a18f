import FinchIR

/// The designed grid of the characterization sweep: for each module, points
/// drawn (seeded, so the grid is the same on every machine) from the product
/// of its parameters' ranges, within sizes one synthesis finishes in seconds.
///
/// Ranges cover what compiled networks use: MVAU weights and activations of
/// 1–8 bits in every kind (unsigned, signed, bipolar, ternary weights), both
/// LUT and DSP multipliers, PE 1–32, SIMD 1–64, MW 8–1,152, MH 2–256, with
/// and without 1–15 thresholds per channel, weight memories from a few words
/// (logic) to BRAM; thresholding with shared and per-channel tables; SWU
/// kernels 1–5, strides 1–2, padding, 1–128 channels, images 4–32 wide;
/// max-pool; FIFOs 1–512 bits by 2–2,048 words; width converters of 1–512 bits (any ratio, gathering and splitting).
public enum CharacterizationGrid {
  /// Points per module in the default grid.
  public static let defaultCounts: [CharacterizationPoint.Module: Int] = [
    .mvau: 150, .thresholding: 40, .swu: 45, .maxpool: 30, .labelSelect: 12, .fifo: 45, .dwc: 45,
  ]

  /// XNOR MVAUs (bipolar inputs and weights, the binarized networks' layers)
  /// drawn apart: one after every four other MVAUs, so any prefix of the
  /// MVAU points (`--limit`) holds a fifth of them.
  public static let xnorEvery = 5

  /// The grid's points, `counts` per module, in module order.
  public static func points(counts: [CharacterizationPoint.Module: Int] = defaultCounts, seed: UInt64 = 14) -> [CharacterizationPoint] {
    var rng = SplitMix64(seed: seed)
    var result: [CharacterizationPoint] = []
    for module in CharacterizationPoint.Module.allCases {
      var points = draw(module, counts[module, default: 0], &rng)
      if module == .mvau {
        var xnorRNG = SplitMix64(seed: seed &+ 1)
        let xnor = draw(module, points.count / (xnorEvery - 1), &xnorRNG, xnor: true)
        for (i, p) in xnor.enumerated() { points.insert(p, at: min(i * xnorEvery + xnorEvery - 1, points.count)) }
      }
      result += points
    }
    return result
  }

  /// `count` distinct points of `module` the compiler accepts (a refused draw is drawn again).
  static func draw(_ module: CharacterizationPoint.Module, _ count: Int, _ rng: inout SplitMix64, xnor: Bool = false) -> [CharacterizationPoint] {
    var seen = Set<String>(), result: [CharacterizationPoint] = []
    var attempts = 0
    while result.count < count, attempts < 100_000 {
      attempts += 1
      guard var p = draw(module, &rng) else { continue }
      if xnor { (p.parameters["a"], p.parameters["ak"], p.parameters["w"], p.parameters["wk"]) = (1, 2, 1, 2) }
      guard (try? p.terms(on: .xc7)) != nil, seen.insert(p.key).inserted else { continue }
      result.append(p)
    }
    return result
  }

  /// One random point of `module`, or nil when the draw is outside the grid's limits.
  static func draw(_ module: CharacterizationPoint.Module, _ rng: inout SplitMix64) -> CharacterizationPoint? {
    func divisor(of n: Int, atMost limit: Int) -> Int { rng.pick(divisors(n).filter { $0 <= limit }) }
    let seed = rng.int(1...1_000_000)
    switch module {
    case .mvau:
      let mw = rng.pick([8, 16, 27, 32, 64, 72, 100, 128, 144, 256, 288, 576, 800, 1152])
      let mh = rng.pick([2, 8, 10, 16, 32, 64, 128, 256])
      let pe = divisor(of: mh, atMost: 32), simd = divisor(of: mw, atMost: 64)
      let (ak, wk) = (rng.pick([0, 0, 1, 1, 2]), rng.pick([1, 1, 0, 2, 3]))
      let a = ak == 2 ? 1 : rng.int(ak == 1 ? 2...8 : 1...8)
      let w = wk >= 2 ? (wk == 2 ? 1 : 2) : rng.int(wk == 1 ? 2...8 : 1...8)
      let t = rng.pick([0, 0, 1, 3, 7, 15])
      let p = CharacterizationPoint(.mvau, ["mw": mw, "mh": mh, "pe": pe, "simd": simd, "a": a, "ak": ak, "w": w, "wk": wk, "t": t, "seed": seed])
      // Bounded so one synthesis takes seconds: lanes, weight bits, and (for
      // ROMs that stay in logic) how much random content abc must map.
      guard pe * simd <= 256, pe * simd * (a + w) <= 1024, mw * mh * w <= 65_536, pe * t <= 128 else { return nil }
      return p
    case .thresholding:
      let c = rng.pick([1, 4, 8, 10, 16, 32, 64, 128]), ak = rng.pick([0, 1])
      let t = rng.pick([1, 3, 7, 15]), a = rng.int(2...10)
      let pe = divisor(of: c, atMost: 8), shared = rng.pick([0, 1])
      // Yosys 0.23's memory_libmap runs out of 24 GB on tables read by 16 or
      // more ports (it died on 16 lanes × 256 words, 16 × 4,096 and 32 ×
      // 2,048): the sweep stays at 8 lanes and 4,096 words.
      let words = pe * ((shared == 1 ? 1 : c / pe) << a)
      guard (1 << a) > t, words <= 4096 else { return nil }
      return CharacterizationPoint(.thresholding, ["c": c, "pe": pe, "a": a, "ak": ak, "t": t, "shared": shared, "seed": seed])
    case .swu:
      let c = rng.pick([1, 3, 8, 16, 32, 64, 128]), k = rng.pick([1, 2, 3, 3, 5]), s = rng.pick([1, 1, 2])
      let h = rng.pick([4, 6, 8, 12, 16, 24, 32]), p = k > 1 ? rng.pick([0, 1]) : 0
      guard k <= h + 2 * p, s <= k || k == 1 else { return nil }
      return CharacterizationPoint(
        .swu, ["c": c, "simd": divisor(of: c, atMost: 64), "k": k, "s": s, "p": p, "h": h, "wd": h, "a": rng.pick([1, 2, 3, 4, 8])])
    case .maxpool:
      // The module pools non-overlapping windows (stride = kernel).
      let c = rng.pick([1, 8, 16, 32, 64, 128]), k = rng.pick([2, 2, 3]), s = k
      let h = rng.pick([4, 6, 8, 12, 16, 24, 26, 32]), ak = rng.pick([0, 1])
      guard h % k == 0 else { return nil }
      return CharacterizationPoint(
        .maxpool, ["c": c, "pe": divisor(of: c, atMost: 32), "k": k, "s": s, "h": h, "wd": h, "a": rng.int(ak == 1 ? 2...8 : 1...8), "ak": ak])
    case .labelSelect:
      let c = rng.pick([2, 10, 16, 64, 100]), ak = rng.pick([0, 1])
      return CharacterizationPoint(
        .labelSelect, ["c": c, "pe": divisor(of: c, atMost: 16), "a": rng.int(ak == 1 ? 2...16 : 1...16), "ak": ak, "k": rng.pick([1, 1, 3, 5])])
    case .fifo:
      let width = rng.pick([1, 2, 3, 4, 8, 12, 16, 24, 32, 36, 48, 64, 72, 96, 128, 192, 256, 512])
      let depth = rng.pick([2, 4, 8, 16, 24, 32, 33, 48, 64, 65, 100, 128, 200, 256, 512, 1024, 2048])
      guard width * depth <= 262_144 else { return nil }
      return CharacterizationPoint(.fifo, ["width": width, "depth": depth])
    case .dwc:
      // A third each: any ratio, output a multiple of the input (gather),
      // input a multiple of the output (split); finch_dwc.v builds each alike.
      let e = rng.pick([1, 1, 2, 3, 4, 8]), a = rng.int(1...64), shape = rng.int(0...2)
      let b = shape == 0 ? rng.int(1...64) : a * rng.int(2...16)
      let (i, o) = shape == 2 ? (b, a) : (a, b)
      guard i != o, e * max(i, o) <= 512 else { return nil }
      return CharacterizationPoint(.dwc, ["in": e * i, "out": e * o])
    }
  }
}
