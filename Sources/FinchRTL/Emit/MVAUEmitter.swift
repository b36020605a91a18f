import FinchCost
import FinchIR

/// Places an MVAU as `finch_mvau` (Resources/verilog/finch_mvau.v): the
/// parameters, the weight and threshold memory files, and the streams.
///
/// Weight file: `MH/PE · MW/SIMD` lines, line `nf·SF + sf` holding the PE x SIMD
/// tile, lane `(p, s)` at bit `(p·SIMD + s)·W_BITS` = `W[sf·SIMD + s][nf·PE + p]`
/// in the weight type's encoding (bipolar: 1 = +1). Threshold file: `MH/PE`
/// lines, line `nf` holding lane `p`, threshold `j` at bit `(p·B + j)·T_BITS`,
/// two's complement. Thresholds outside the accumulator's reachable range are
/// clamped to it (`acc >= T` keeps its truth value), so `T_BITS` stays small.
public enum MVAUEmitter {
  public static func instance(node: Node, graph: Graph, folding: LayerFolding, name: String) throws(RTLError) -> ModuleInstance {
    guard case .mvau(let m) = node.op, node.inputs.count >= 2, let x = graph.type(of: node.inputs[0]),
      let weights = graph.initializers[node.inputs[1]], weights.shape.rank == 2
    else { throw .unsupported(layer: node.name, reason: "not an MVAU with constant [MW, MH] weights") }
    let (mw, mh) = (weights.shape[0], weights.shape[1])
    let (pe, simd) = (folding.pe, folding.simd)
    guard pe >= 1, simd >= 1, mh % pe == 0 else {
      throw .unsupported(layer: node.name, reason: "PE \(pe) does not divide MH = \(mh)")
    }
    guard mw % simd == 0 else { throw .unsupported(layer: node.name, reason: "SIMD \(simd) does not divide MW = \(mw)") }
    guard x.shape.rank >= 1, x.shape[-1] == mw else {
      throw .unsupported(layer: node.name, reason: "input \(x.shape) does not end in MW = \(mw)")
    }
    let aType = x.dataType
    guard aType.isInteger else { throw .unsupported(layer: node.name, reason: "\(aType) inputs; the MVAU takes integers") }
    guard weights.floats.allSatisfy({ $0 == $0.rounded() && abs($0) <= 16_777_216 }) else {
      throw .unsupported(layer: node.name, reason: "weights are not integers of at most 24 bits")
    }
    let wValues = weights.int64s
    let wType = try weightType(graph.type(of: node.inputs[1])?.dataType, values: wValues, xnor: m.xnor, layer: node.name)
    if m.xnor, aType != .bipolar || wType != .bipolar {
      throw .unsupported(layer: node.name, reason: "XNOR mode needs bipolar inputs and weights, got \(aType) and \(wType)")
    }

    // The accumulator's reachable range over every output channel.
    var lo: Int64 = 0, hi: Int64 = 0
    if m.xnor {
      hi = Int64(mw)
    } else {
      let tooWide = RTLError.unsupported(layer: node.name, reason: "the accumulator of \(aType) inputs over \(mw) columns exceeds 64 bits")
      guard aType.bitWidth <= 32 else { throw tooWide }
      let (xmin, xmax) = (Int64(aType.min), Int64(aType.max))
      for c in 0..<mh {
        var l: Int64 = 0, h: Int64 = 0, overflow = false
        for i in 0..<mw {
          let w = wValues[i * mh + c]  // |w| <= 2^24 and |x| <= 2^32: the products fit
          let (nl, o1) = l.addingReportingOverflow(min(w * xmin, w * xmax))
          let (nh, o2) = h.addingReportingOverflow(max(w * xmin, w * xmax))
          (l, h, overflow) = (nl, nh, overflow || o1 || o2)
        }
        guard !overflow else { throw tooWide }
        lo = min(lo, l)
        hi = max(hi, h)
      }
    }
    let accBits = signedBits(lo, hi)

    // Thresholds, clamped to [lo, hi + 1] (rounded up: the accumulator is an integer).
    var thresholds: [[Int64]] = []
    if node.inputs.count > 2 {
      guard let t = graph.initializers[node.inputs[2]], t.shape.rank == 2, t.shape[0] == mh, t.shape[1] >= 1 else {
        throw .unsupported(layer: node.name, reason: "thresholds must be a constant [\(mh), B] tensor with B >= 1")
      }
      let steps = t.shape[1], values = t.floats
      guard !values.contains(where: \.isNaN) else { throw .unsupported(layer: node.name, reason: "NaN thresholds") }
      thresholds = (0..<mh).map { c in
        (0..<steps).map { j in
          let v = Double(values[c * steps + j]).rounded(.up)
          return v <= Double(lo) ? lo : v > Double(hi) ? hi + 1 : Int64(v)
        }
      }
    }
    let nThresh = thresholds.first?.count ?? 0
    let tBits = nThresh > 0 ? signedBits(thresholds.joined().min() ?? 0, thresholds.joined().max() ?? 0) : 1

    let input = try graph.stream(node.inputs[0], fold: simd, layer: node.name)
    let output = try graph.stream(node.outputs[0], fold: pe, layer: node.name)
    let oType = output.format.dataType
    if nThresh == 0, oType == .bipolar {
      throw .unsupported(layer: node.name, reason: "a bipolar output needs thresholds")
    }

    // Memories.
    let (sf, nf) = (mw / simd, mh / pe)
    let wBits = wType.bitWidth
    let wFormat = StreamFormat(dataType: wType, elementsPerWord: 1)
    var weightLines: [String] = []
    weightLines.reserveCapacity(sf * nf)
    for n in 0..<nf {
      for f in 0..<sf {
        var word = BitWord(bits: pe * simd * wBits)
        for p in 0..<pe {
          for s in 0..<simd {
            word.set(wFormat.encode(wValues[(f * simd + s) * mh + n * pe + p]), at: (p * simd + s) * wBits, bits: wBits)
          }
        }
        weightLines.append(word.hex)
      }
    }
    let weightFile = "\(name)_weights.mem"
    var files = [weightFile: weightLines.joined(separator: "\n") + "\n"]
    let threshFile = "\(name)_thresholds.mem"
    if nThresh > 0 {
      let tMask: UInt64 = tBits >= 64 ? .max : (1 << UInt64(tBits)) - 1
      var lines: [String] = []
      for n in 0..<nf {
        var word = BitWord(bits: pe * nThresh * tBits)
        for p in 0..<pe {
          for (j, t) in thresholds[n * pe + p].enumerated() {
            word.set(UInt64(bitPattern: t) & tMask, at: (p * nThresh + j) * tBits, bits: tBits)
          }
        }
        lines.append(word.hex)
      }
      files[threshFile] = lines.joined(separator: "\n") + "\n"
    }

    func flag(_ b: Bool) -> String { b ? "1" : "0" }
    var parameters: [(name: String, value: String)] = [
      ("MW", "\(mw)"), ("MH", "\(mh)"), ("PE", "\(pe)"), ("SIMD", "\(simd)"),
      ("A_BITS", "\(aType.bitWidth)"), ("A_SIGNED", flag(aType.isSigned && aType != .bipolar)), ("A_BIPOLAR", flag(aType == .bipolar)),
      ("W_BITS", "\(wBits)"), ("W_SIGNED", flag(wType.isSigned && wType != .bipolar)), ("W_BIPOLAR", flag(wType == .bipolar)),
      ("XNOR", flag(m.xnor)), ("ACC_BITS", "\(accBits)"), ("N_THRESH", "\(nThresh)"), ("T_BITS", "\(tBits)"),
      ("O_BITS", "\(oType.bitWidth)"), ("O_BIPOLAR", flag(oType == .bipolar)),
      ("OUT_SCALE", "\(nThresh > 0 ? m.outScale : 1)"), ("OUT_BIAS", "\(nThresh > 0 ? m.outBias : 0)"),
      ("WEIGHT_FILE", ModuleInstance.string(weightFile)),
    ]
    if nThresh > 0 { parameters.append(("THRESH_FILE", ModuleInstance.string(threshFile))) }
    return ModuleInstance(
      module: "finch_mvau", name: name, parameters: parameters, memoryFiles: files, input: input.format, output: output.format,
      inputWords: input.words, outputWords: output.words)
  }

  /// The weights' datatype: the graph's when it is an integer type holding
  /// every weight, else the smallest integer type that does.
  private static func weightType(_ declared: DataType?, values: [Int64], xnor: Bool, layer: String) throws(RTLError) -> DataType {
    let (lo, hi) = (values.min() ?? 0, values.max() ?? 0)
    if let t = declared, t.isInteger {
      guard values.allSatisfy({ t.allows(Double($0)) }) else {
        throw .unsupported(layer: layer, reason: "weights in [\(lo), \(hi)] do not fit their type \(t)")
      }
      return t
    }
    if xnor, values.allSatisfy({ $0 == 1 || $0 == -1 }) { return .bipolar }
    return .smallestInteger(min: Double(lo), max: Double(hi))
  }

  /// Bits of the smallest two's complement type holding `lo...hi` (at least 2).
  static func signedBits(_ lo: Int64, _ hi: Int64) -> Int {
    var b = 2
    while b < 64, lo < -(Int64(1) << (b - 1)) || hi > (Int64(1) << (b - 1)) - 1 { b += 1 }
    return b
  }
}

/// A wide memory word built bit field by bit field, printed as hex.
private struct BitWord {
  let bits: Int
  var limbs: [UInt64]

  init(bits: Int) {
    self.bits = bits
    limbs = [UInt64](repeating: 0, count: (bits + 63) / 64)
  }

  mutating func set(_ value: UInt64, at bit: Int, bits count: Int) {
    for b in 0..<count where value >> UInt64(b) & 1 == 1 { limbs[(bit + b) / 64] |= 1 << UInt64((bit + b) % 64) }
  }

  var hex: String {
    let digits = max(1, (bits + 3) / 4)
    var s = ""
    s.reserveCapacity(digits)
    for d in stride(from: digits - 1, through: 0, by: -1) {
      s.append(String(limbs[d / 16] >> UInt64((d % 16) * 4) & 0xF, radix: 16))
    }
    return s
  }
}
