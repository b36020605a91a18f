/// The rules for the FIFOs and data-width converters between consecutive
/// hardware layers (``DataflowPipeline`` places them), and what they cost.
///
/// A FIFO sits in front of every layer after the first (in the consumer's
/// input words), as deep as ``FIFOSizing`` finds the steady-state schedule
/// needs. A width converter precedes the FIFO wherever the producer's output
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
  public static func resources(_ e: DataflowPipeline.Element, on family: DeviceFamily) -> Resources? {
    switch e.kind {
    case .layer: return nil
    case .fifo(let depth): return fifoResources(width: e.input.wordBits, depth: depth, on: family)
    case .dwc: return dwcResources(inputBits: e.input.wordBits, outputBits: e.output.wordBits)
    }
  }

  /// A FIFO of `depth` words of `width` bits (see ``resources(_:on:)``).
  public static func fifoResources(width: Int, depth: Int, on family: DeviceFamily) -> Resources {
    let aw = max(bits(0, Double(max(depth, 2) - 1)), 1)
    let memory = ResourceModel.ram(width: width, depth: depth, asyncRead: true, on: family)
    var pointers = Resources(lut: 6 * aw, ff: 4 * aw + 1)
    if memory.ebr > 0 {
      pointers = pointers + Resources(lut: 23 + width, ff: width - 5)
    } else if memory.bram18 > 0 {
      pointers = pointers + Resources(lut: width, ff: width)
    }
    return pointers + memory
  }

  /// A converter between `inputBits`- and `outputBits`-bit words (see ``resources(_:on:)``).
  public static func dwcResources(inputBits: Int, outputBits: Int) -> Resources {
    let (small, large) = (max(min(inputBits, outputBits), 1), max(inputBits, outputBits))
    let counter = bits(0, Double(large / small))
    return Resources(lut: 4 + divUp(7 * large, 4) + small, ff: small + large + counter)
  }
}
