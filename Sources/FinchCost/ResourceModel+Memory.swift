/// How Yosys 0.23 maps Finch's memories on each family: to block RAM or to
/// logic, whichever its `memory_libmap` cost model finds cheaper.
///
/// - xc7/xcup: a RAMB18 costs as much as 129 LUTs (see ``bramCostInLUTs``);
///   ROMs in logic cost 64 bits per LUT6 on xc7; on xcup beyond 32 words
///   14 bits per LUT (abc9 builds their read muxes from LUTs, not
///   MUXF7/8); RAMs in logic are distributed RAM.
/// - iCE40: an EBR (4 Kib: 256×16, 512×8, 1K×4 or 2K×2) costs as much as 64
///   bits of soft RAM or 1,024 bits of soft ROM (`memory_libmap`'s default
///   logic costs, 1 and 1/16 per bit), plus about 8 for the register moved
///   into the EBR: 72 bits stay logic, 80 go to an EBR (exact on the 20 FIFO
///   shapes measured; the MVAU input buffers of 72 bits stay logic too). Logic
///   RAM has no LUTRAM on iCE40: it is flip-flops plus a read mux.
extension ResourceModel {
  /// Yosys' BRAM cost weighed against logic on Xilinx (memory_libmap): a
  /// RAMB18 costs as much as this many LUTs.
  static let bramCostInLUTs = 129

  /// A read-only `width`×`depth` memory ($readmemh ROM, registered read).
  /// On Xilinx, logic unless that costs more than the block RAMs would (e.g.
  /// on xc7 4096×1 stays logic, 512×72 becomes BRAM); on iCE40, EBRs as soon as
  /// the ROM holds more than 1,024 bits per EBR it needs; in logic about
  /// 4/3 LUT4 per 16 words of each output bit (leaves and read mux).
  static func rom(width: Int, depth: Int, on family: DeviceFamily) -> Resources {
    let depth = max(depth, 1), width = max(width, 1), bits = width * depth
    switch family {
    case .xc7, .xcup:
      let logic = romLogicLUTs(width: width, depth: depth, on: family)
      let brams = bram18Count(depth: depth, width: width)
      // Yosys decides with its xc7 cost (64 bits per LUT) on both families.
      return divUp(bits, 64) > bramCostInLUTs * brams ? Resources(bram18: brams) : Resources(lut: logic)
    case .ice40:
      let ebrs = ebrCount(depth: depth, width: width)
      return bits > 1024 * ebrs ? Resources(ebr: ebrs) : Resources(lut: romLogicLUTs(width: width, depth: depth, on: family))
    }
  }

  /// LUTs of a `width × depth` ROM of random content in logic: per output
  /// bit, a LUT6 per 64 words (two bits share one up to 32 words; one word is
  /// constants); abc9 (xcup) builds deeper read muxes from LUTs, about 14
  /// bits per LUT; iCE40, 4/3 LUT4 per 16 words.
  static func romLogicLUTs(width: Int, depth: Int, on family: DeviceFamily) -> Int {
    guard depth > 1 else { return 0 }
    switch family {
    case .ice40: return width * divUp(4 * depth, 48)
    case .xc7, .xcup:
      if depth <= 32 { return divUp(width, 2) }
      return family == .xc7 ? width * divUp(depth, 64) : divUp(width * depth, 14)
    }
  }

  /// A `width`×`depth` RAM (input and line buffers, FIFOs); `asyncRead` for a
  /// read port without an output register (the FIFOs).
  /// - Xilinx: distributed RAM (RAM32M: 2/3 LUT per bit up to 32 deep; RAM64M:
  ///   4/3 up to 64; deeper, about 5 LUTs per bit per 128 words with the read
  ///   mux), or BRAM18 where that is cheaper by Yosys' cost (129 LUTs per BRAM18).
  /// - iCE40: EBRs when the RAM holds more than 64 bits per EBR plus 8;
  ///   otherwise one flip-flop per bit, `5/6` LUT per bit of
  ///   read mux and `3/2` LUT per word of write decode.
  ///
  /// Yosys weighs distributed RAM as 8 per RAM64M-like cell (64 words × 3
  /// bits) against `blockCost` per BRAM18: 112 fits the 45 xc7 FIFOs of the
  /// characterization data (96 stays distributed, 128 goes to a BRAM18), 160
  /// the SWU line buffers (144 stays, 172 per BRAM18 goes). xcup FIFOs follow
  /// Yosys' own costs (lutrams_xcu.txt: 16 per 64 × 7 cell; 129 per BRAM18),
  /// exact on its 40 FIFO shapes.
  public static func ram(
    width: Int, depth: Int, asyncRead: Bool = false, blockCost: Int = 112, on family: DeviceFamily
  ) -> Resources {
    let depth = max(depth, 1), width = max(width, 1)
    switch family {
    case .xc7, .xcup:
      let lutram: Int
      switch depth {
      case ...32: lutram = divUp(2 * width, 3)
      case ...64: lutram = divUp(4 * width, 3)
      default: lutram = divUp(5 * width * (1 << bits(0, Double(depth - 1))), 128)
      }
      let brams = bram18Count(depth: depth, width: width)
      if family == .xcup && asyncRead {
        // lutrams_xcu.txt: 16 per RAM64M8 cell, against a RAMB18's 129.
        let cells = lutRAMCells(depth: depth, width: width, on: .xcup)
        return 16 * cells > bramCostInLUTs * brams ? Resources(bram18: brams) : Resources(lut: lutram)
      }
      let distributedCost = 8 * lutRAMCells(depth: depth, width: width, on: .xc7)
      return distributedCost > blockCost * brams ? Resources(bram18: brams) : Resources(lut: lutram)
    case .ice40:
      let ebrs = ebrCount(depth: depth, width: width)
      if width * depth > 64 * ebrs + 8 { return Resources(ebr: ebrs) }
      return Resources(lut: divUp(5 * width * depth, 6) + divUp(3 * depth, 2), ff: width * depth)
    }
  }

  /// 64-word simple dual-port LUT RAM cells a `width`×`depth` RAM takes:
  /// RAM64M (3 bits) on xc7, RAM64M8 (7 bits) on xcup.
  static func lutRAMCells(depth: Int, width: Int, on family: DeviceFamily) -> Int {
    divUp(depth, 64) * divUp(width, family == .xcup ? 7 : 3)
  }

  /// BRAM18 count of a `width`×`depth` memory as Yosys packs it. Up to 2048
  /// words, by the aspect ratio of the depth rounded up to a power of two
  /// (512×36, 1K×18, 2K×9 per BRAM18, parity bits used; RAMB36 counts 2);
  /// deeper, by bits at 18 Kib per BRAM18 (Yosys mixes aspect ratios and
  /// leaves narrow remainders in logic). Exact on all 16 weight, input-buffer
  /// and FIFO memories that went to BRAM in the xc7 fit data (e.g. 3584×14: 3,
  /// 1792×56: 7, 256×392: 11, 25088×2: 3).
  static func bram18Count(depth: Int, width: Int) -> Int {
    if depth <= 2048 { return divUp(width * (1 << max(bits(0, Double(depth - 1)), 9)), 18_432) }
    return divUp(depth * width, 18_432)
  }

  /// iCE40 EBR count of a `width`×`depth` memory: the fewest over the four
  /// aspect ratios (256×16 … 2K×2), each possibly read 2^e words at a time
  /// and muxed (how Yosys packs a 4096×1 ROM into one 2K×2 EBR), and over
  /// splitting the depth into its largest power of two and the rest, each
  /// packed on its own (2,304 × 20: 2,048 in 2K×2 EBRs and 256 in 256×16, 12).
  static func ebrCount(depth: Int, width: Int) -> Int {
    var best = singleShapeEBRCount(depth: depth, width: width)
    let power = 1 << (ceilLog2(depth) - 1)
    if depth > 256, power >= 256, depth > power {
      best = min(best, singleShapeEBRCount(depth: power, width: width) + ebrCount(depth: depth - power, width: width))
    }
    return best
  }

  /// ``ebrCount(depth:width:)`` for one aspect ratio over the whole depth.
  static func singleShapeEBRCount(depth: Int, width: Int) -> Int {
    var best = Int.max
    for k in 0...3 {
      let (rows, columns) = (2048 >> k, 2 << k)
      for e in 0...4 {
        let blocks = divUp(depth, rows << e) * divUp(width << e, columns)
        best = min(best, blocks)
      }
    }
    return best
  }
}
