@testable import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport
import XCTest

/// The per-family memory and FIFO rules, against shapes measured with Yosys 0.23.
final class ResourceFamilyTests: XCTestCase {
  func testEBRPacking() {
    // (depth, width) -> SB_RAM40_4K count synth_ice40 chose (2,304 x 20 and x 9: MVAU weight ROMs of the grid).
    for (depth, width, ebrs) in [(224, 224, 14), (7, 112, 7), (4096, 1, 1), (2048, 2, 1), (3136, 16, 13), (39, 112, 7), (96, 1, 1), (2304, 20, 12), (2304, 9, 6)] {
      XCTAssertEqual(ResourceModel.ebrCount(depth: depth, width: width), ebrs, "\(depth)x\(width)")
    }
  }

  func testICE40MemoriesGoToEBRByYosysCost() {
    // ROMs: an EBR is worth 1,024 bits of logic ROM.
    XCTAssertEqual(ResourceModel.rom(width: 1, depth: 2048, on: .ice40), Resources(ebr: 1))
    XCTAssertEqual(ResourceModel.rom(width: 1, depth: 1024, on: .ice40).ebr, 0)
    // RAMs up to 72 bits stay logic (FIFOs, and MVAU input buffers of 36 x 2 and 9 x 8 in the grid).
    XCTAssertEqual(ResourceModel.ram(width: 1, depth: 64, on: .ice40).ebr, 0)
    XCTAssertEqual(ResourceModel.ram(width: 2, depth: 36, on: .ice40).ebr, 0)
    XCTAssertEqual(ResourceModel.ram(width: 112, depth: 7, on: .ice40), Resources(ebr: 7))
    XCTAssertEqual(ResourceModel.ram(width: 4, depth: 18, asyncRead: true, on: .ice40).ebr, 0)
    XCTAssertEqual(ResourceModel.ram(width: 4, depth: 20, asyncRead: true, on: .ice40).ebr, 1)
  }

  func testFIFOsOnICE40() {
    func fifo(_ width: Int, _ depth: Int) -> Resources {
      StreamGlue.fifoResources(width: width, depth: depth, on: .ice40)
    }
    // Measured: 1x96 66 LUT / 24 FF / 1 EBR; 1x33 113 LUT / 58 FF in logic.
    XCTAssertEqual(fifo(1, 96).ebr, 1)
    XCTAssertEqual(fifo(1, 33).ebr, 0)
    for (estimate, measured) in [(fifo(1, 96).lut, 66), (fifo(1, 33).lut, 113), (fifo(1, 96).ff, 24), (fifo(1, 33).ff, 58)] {
      XCTAssertLessThanOrEqual(abs(estimate - measured), measured / 10, "\(estimate) vs \(measured)")
    }
    // The same FIFO on Xilinx stays distributed RAM.
    XCTAssertEqual(StreamGlue.fifoResources(width: 1, depth: 96, on: .xc7).bram18, 0)
  }

  func testXCUPDeepROMsCostMoreLUTs() {
    // abc9 builds a 4096x1 ROM from about 290 LUTs (xc7: 64); inside an MVAU so
    // do 33-64-word ROMs (a LUT per bit underestimated all 30 such grid MVAUs,
    // by 15-45%); up to 32 words two bits share a LUT.
    XCTAssertEqual(ResourceModel.rom(width: 1, depth: 4096, on: .xcup), Resources(lut: 293))
    XCTAssertEqual(ResourceModel.rom(width: 1, depth: 4096, on: .xc7), Resources(lut: 64))
    XCTAssertEqual(ResourceModel.rom(width: 8, depth: 64, on: .xcup), Resources(lut: 37))
    XCTAssertEqual(ResourceModel.rom(width: 8, depth: 32, on: .xcup), Resources(lut: 4))
    // Where Yosys chooses BRAM is the same on both families.
    XCTAssertEqual(ResourceModel.rom(width: 72, depth: 512, on: .xcup), Resources(bram18: 2))
  }

  /// xcup FIFOs weigh RAM64M8 cells (16 per 64 × 7) against 129 per BRAM18,
  /// as lutrams_xcu.txt does: measured 200×12 and 128×48 stay distributed
  /// (xc7 moves both to block RAM), 200×16 and 1024×3 go to one BRAM18.
  func testXCUPFIFOsFollowYosysDistributedRAMCost() {
    func brams(_ width: Int, _ depth: Int, _ family: DeviceFamily) -> Int {
      StreamGlue.fifoResources(width: width, depth: depth, on: family).bram18
    }
    XCTAssertEqual([brams(12, 200, .xcup), brams(48, 128, .xcup), brams(16, 200, .xcup), brams(3, 1024, .xcup)], [0, 0, 1, 1])
    XCTAssertEqual([brams(12, 200, .xc7), brams(48, 128, .xc7)], [1, 2])
  }

  /// finch_mvau.v selects or negates by a 1-bit operand, so a binary or
  /// bipolar operand never takes a DSP slice, however wide the other (the
  /// first layer of CNV: 8-bit signed inputs by bipolar weights, 0 DSP in
  /// Yosys); 8-bit by ternary weights is a multiplier, on DSPs.
  func testOneBitOperandsNeverTakeDSPs() {
    func dsp(_ input: DataType, _ weight: DataType) -> Int {
      var layer = HardwareLayer(name: "mvau", kind: .mvau)
      (layer.mw, layer.mh, layer.inputType, layer.weightType) = (9, 16, input, weight)
      (layer.inputBits, layer.weightBits, layer.signedInput) = (input.bitWidth, weight.bitWidth, input.isSigned)
      return ResourceModel.terms(layer, LayerFolding(pe: 16, simd: 1), on: .xc7).fixed.dsp
    }
    XCTAssertEqual(dsp(.int(8), .bipolar), 0)
    XCTAssertEqual(dsp(.uint(8), .binary), 0)
    XCTAssertEqual(dsp(.bipolar, .int(8)), 0)
    XCTAssertEqual(dsp(.int(8), .ternary), 16)
  }

  /// synth_ice40 maps a product of 11 bits or more to SB_MAC16 (Xilinx: 9):
  /// 8-bit signed by 2-bit signed weights (10 bits) stays in LUTs on iCE40.
  func testICE40DSPsNeedElevenBitProducts() {
    var layer = HardwareLayer(name: "mvau", kind: .mvau)
    (layer.mw, layer.mh, layer.inputType, layer.weightType) = (18, 10, .int(8), .int(2))
    (layer.inputBits, layer.weightBits, layer.signedInput) = (8, 2, true)
    XCTAssertEqual(ResourceModel.terms(layer, LayerFolding(pe: 1, simd: 18), on: .ice40).fixed.dsp, 0)
    XCTAssertEqual(ResourceModel.terms(layer, LayerFolding(pe: 1, simd: 18), on: .xc7).fixed.dsp, 18)
    (layer.inputType, layer.inputBits, layer.signedInput) = (.uint(7), 7, false)
    layer.weightType = .uint(4)
    layer.weightBits = 4
    XCTAssertEqual(ResourceModel.terms(layer, LayerFolding(pe: 1, simd: 18), on: .ice40).fixed.dsp, 18)
  }

  /// Budget mode on the UP5K counts EBRs: TFC-W1A1 gets a folding whose
  /// block RAMs fit (the xc7 rules saw no block RAM at all and picked one needing 33).
  func testBudgetOnICE40RespectsEBRs() throws {
    var graph = try Fixture(name: "tfc_w1a1").model()
    try Pipeline.compile.run(on: &graph)
    let layers = try HardwareLayer.layers(of: graph)
    let device = try DeviceCatalogue.bundled().device(named: "ice40-up5k")
    XCTAssertEqual(device.capacity.ebr, 30)
    let solver = FoldingSolver(layers: layers, capacity: device.capacity, family: .ice40)
    let foldings = try XCTUnwrap(solver.solve(budget: 0.8))
    let total = solver.total(foldings)
    XCTAssertGreaterThan(total.ebr, 0)
    XCTAssertLessThanOrEqual(Double(total.ebr), 0.8 * 30)
    XCTAssertLessThanOrEqual(Double(total.lut), 0.8 * 5280)
  }
}
