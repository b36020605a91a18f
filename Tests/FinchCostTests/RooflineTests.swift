import FinchCost
import FinchIR
import FinchTestSupport
import Foundation
import XCTest

/// FINN-R's roofline: per-MAC costs, peaks per precision, intensities and attainable performance.
final class RooflineTests: XCTestCase {
  private func roofline(_ board: String, clockMHz: Double? = nil, networks: [RooflineNetwork] = []) throws -> Roofline {
    let c = try DeviceCatalogue.bundled()
    let b = try c.board(named: board)
    return try Roofline(board: b, part: try c.part(of: b), clockMHz: clockMHz, networks: networks)
  }

  private func peak(_ r: Roofline, _ label: String) throws -> Roof {
    try XCTUnwrap(r.roofs.first { $0.precision.description == label }, label)
  }

  /// PYNQ-Z1 (xc7z020: 53,200 LUT, 220 DSP) at 100 MHz, by hand:
  /// 1/1: 53,200 LUT MACs · 2 · 100 MHz = 10.64 Top/s;
  /// 4/4: 220 DSP MACs + ⌊53,200 / 24⌋ = 2,216 LUT MACs = 2,436 · 2 · 100 MHz = 487.2 Gop/s;
  /// 8/8: 220 + ⌊53,200 / 80⌋ = 665 → 885 · 2e8 = 177 Gop/s;
  /// float16: 220 DSP MACs use 44,000 LUTs; ⌊9,200 / 343⌋ = 26 more → 246 · 2e8 = 49.2 Gop/s.
  func testHandComputedPeaksOnXC7Z020() throws {
    let r = try roofline("pynq-z1")
    XCTAssertEqual(r.clockMHz, 100)
    XCTAssertEqual(r.bandwidthGBps, 2.1)
    let binary = try peak(r, "1/1")
    XCTAssertEqual(binary.lutCost, MACCost(luts: 1, dsps: 0))
    XCTAssertNil(binary.dspCost)
    XCTAssertEqual(binary.peakOpsPerSecond, 10.64e12, accuracy: 1)
    let w4 = try peak(r, "4/4")
    XCTAssertEqual(w4.lutCost.luts, 24)
    XCTAssertEqual([w4.dspMACs, w4.lutMACs], [220, 2_216])
    XCTAssertEqual(w4.peakOpsPerSecond, 487.2e9, accuracy: 1)
    XCTAssertEqual(w4.ridgeIntensity, 487.2e9 / 2.1e9, accuracy: 1e-9)
    XCTAssertEqual(try peak(r, "2/2").lutCost.luts, 8)
    let w8 = try peak(r, "8/8")
    XCTAssertEqual([w8.dspMACs, w8.lutMACs], [220, 665])
    XCTAssertEqual(w8.peakOpsPerSecond, 177e9, accuracy: 1)
    XCTAssertEqual(try peak(r, "16/16").lutCost.luts, 288)
    let f16 = try peak(r, "float16")
    XCTAssertEqual(f16.dspCost, MACCost(luts: 200, dsps: 1))
    XCTAssertEqual([f16.dspMACs, f16.lutMACs], [220, 26])
    XCTAssertEqual(f16.peakOpsPerSecond, 49.2e9, accuracy: 1)
  }

  /// Narrower operands always reach a higher peak: 1/1 > 2/2 > 4/4 > 8/8 > 16/16 > float16, on every board.
  func testPeaksAreOrderedByPrecisionOnEveryBoard() throws {
    for board in try DeviceCatalogue.bundled().boards {
      let r = try roofline(board.name)
      XCTAssertEqual(r.roofs.map(\.precision.description), ["1/1", "2/2", "4/4", "8/8", "16/16", "float16"])
      let peaks = r.roofs.map(\.peakOpsPerSecond)
      XCTAssertGreaterThan(peaks.last ?? 0, 0, board.name)
      for (a, b) in zip(peaks, peaks.dropFirst()) { XCTAssertGreaterThan(a, b, "\(board.name): \(peaks)") }
    }
  }

  func testLUT4FamiliesPayTwiceForBinaryAndPartsWithoutDSPsUseLUTsOnly() throws {
    let up5k = try roofline("ice40-up5k")
    XCTAssertEqual(try peak(up5k, "1/1").lutCost.luts, 2)
    XCTAssertEqual(try peak(up5k, "1/1").macsPerCycle, 2_640)
    let hx8k = try roofline("ice40-hx8k")
    for roof in hx8k.roofs {
      XCTAssertNil(roof.dspCost)
      XCTAssertEqual(roof.dspMACs, 0)
    }
    XCTAssertEqual(try peak(hx8k, "float16").lutCost.luts, 343)
  }

  func testClockOverrideScalesPeaksAndMustBePositive() throws {
    let base = try roofline("zcu104")
    let fast = try roofline("zcu104", clockMHz: 400)
    XCTAssertEqual(base.clockMHz, 200)
    for (a, b) in zip(base.roofs, fast.roofs) { XCTAssertEqual(b.peakOpsPerSecond, 2 * a.peakOpsPerSecond, accuracy: 1) }
    XCTAssertThrowsError(try roofline("zcu104", clockMHz: 0))
    XCTAssertThrowsError(try roofline("zcu104", clockMHz: .nan))
  }

  /// tfc_w1a1: 59,008 MACs, 59,008 bipolar weight bits, a UINT8 [1,1,28,28] input
  /// (6,272 bits) and a FLOAT32 [1,10] output (320 bits); its MatMuls see bipolar inputs.
  func testNetworkFactsFromTheTFCFixture() throws {
    let n = RooflineNetwork(name: "tfc_w1a1", graph: try Fixture(name: "tfc_w1a1").model())
    XCTAssertEqual(n.macs, 59_008)
    XCTAssertEqual(n.parameterBits, 59_008)
    XCTAssertEqual(n.inputBits, 784 * 8)
    XCTAssertEqual(n.outputBits, 10 * 32)
    XCTAssertEqual(n.precisions.map(\.precision.description), ["1/1"])
    XCTAssertEqual(n.precisions.map(\.macs), [59_008])
    // tfc_w2a2's first layer sees the 8-bit input quantizer, the others 2-bit activations.
    let w2 = RooflineNetwork(name: "tfc_w2a2", graph: try Fixture(name: "tfc_w2a2").model())
    XCTAssertEqual(w2.precisions.map(\.precision.description), ["2/8", "2/2"])
    XCTAssertEqual(w2.precisions.map(\.macs), [50_176, 8_832])
  }

  /// Weights off chip add the weights to every frame's traffic, so intensity drops;
  /// attainable is min(peak, intensity · bandwidth) in both modes.
  func testIntensityAndAttainablePerformance() throws {
    let networks = try Fixture.all.map { RooflineNetwork(name: $0.name, graph: try $0.model()) }
    let r = try roofline("pynq-z1", networks: networks)
    XCTAssertEqual(r.networks.count, Fixture.all.count)
    for n in r.networks {
      XCTAssertEqual(n.ops, 2 * n.network.macs)
      XCTAssertEqual(n.points.map(\.memory), [.weightsOnChip, .weightsOffChip])
      let on = n.points[0], off = n.points[1]
      XCTAssertEqual(on.bytes, Double(n.network.inputBits + n.network.outputBits) / 8)
      XCTAssertEqual(off.bytes, on.bytes + Double(n.network.parameterBits) / 8)
      XCTAssertLessThan(off.intensity, on.intensity, n.network.name)
      XCTAssertLessThanOrEqual(n.peakOpsPerSecond, r.roofs[0].peakOpsPerSecond)
      for p in n.points {
        XCTAssertEqual(p.intensity, Double(n.ops) / p.bytes)
        let memory = p.intensity * r.bandwidthBytesPerSecond
        XCTAssertEqual(p.attainableOpsPerSecond, min(n.peakOpsPerSecond, memory))
        XCTAssertEqual(p.bound, memory < n.peakOpsPerSecond ? .memory : .compute)
      }
    }
    // tfc_w1a1 by hand: 118,016 ops over 824 bytes on chip, 824 + 7,376 off chip; all 1/1.
    let tfc = try XCTUnwrap(r.networks.first { $0.network.name == "tfc_w1a1" })
    XCTAssertEqual(tfc.points[0].intensity, 118_016 / 824.0)
    XCTAssertEqual(tfc.points[1].intensity, 118_016 / 8_200.0)
    XCTAssertEqual(tfc.peakOpsPerSecond, r.roofs[0].peakOpsPerSecond, accuracy: 1)
    XCTAssertEqual(tfc.points[0].attainableOpsPerSecond, 118_016 / 824.0 * 2.1e9, accuracy: 1)
  }

  /// A mixed-precision network's ceiling: the fabric split among its layers by work,
  /// ops / Σ (ops of layer / peak of its precision).
  func testMixedPrecisionPeakIsTheWorkWeightedHarmonicMean() throws {
    let n = RooflineNetwork(
      name: "mixed", macs: 300, parameterBits: 300, inputBits: 8, outputBits: 8,
      precisions: [
        .init(precision: .integer(weightBits: 1, inputBits: 1), macs: 200),
        .init(precision: .integer(weightBits: 4, inputBits: 4), macs: 100),
      ])
    let r = try roofline("pynq-z1", networks: [n])
    let p1 = try peak(r, "1/1").peakOpsPerSecond, p4 = try peak(r, "4/4").peakOpsPerSecond
    XCTAssertEqual(r.networks[0].peakOpsPerSecond, 600 / (400 / p1 + 200 / p4), accuracy: 1)
    let empty = RooflineNetwork(name: "empty", macs: 0, parameterBits: 0, inputBits: 8, outputBits: 8, precisions: [])
    XCTAssertThrowsError(try roofline("pynq-z1", networks: [empty])) { error in
      XCTAssertEqual(error as? FinchCostError, .noMultiplyAccumulates(model: "empty"))
    }
  }

  func testPrecisionLabelsAndJSON() throws {
    for p in MACPrecision.standard { XCTAssertEqual(MACPrecision(p.description), p) }
    XCTAssertNil(MACPrecision("4"))
    XCTAssertNil(MACPrecision("0/4"))
    let r = try roofline("ultra96", networks: [RooflineNetwork(name: "tfc", graph: try Fixture(name: "tfc_w1a1").model())])
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(r)) as? [String: Any])
    XCTAssertEqual(object["board"] as? String, "ultra96")
    XCTAssertEqual(object["part"] as? String, "xczu3eg")
    XCTAssertEqual(object["clock_mhz"] as? Double, 300)
    let roofs = try XCTUnwrap(object["roofs"] as? [[String: Any]])
    XCTAssertEqual(roofs.first?["precision"] as? String, "1/1")
    XCTAssertNotNil(roofs.first?["peak_ops_per_second"] as? Double)
    let networks = try XCTUnwrap(object["networks"] as? [[String: Any]])
    let points = try XCTUnwrap(networks.first?["points"] as? [[String: Any]])
    XCTAssertEqual(points.map { $0["memory"] as? String }, ["weights_on_chip", "weights_off_chip"])
  }
}
