import FinchCost
import XCTest

/// The power model (Docs/power.md): every part carries a static figure with
/// its source; dynamic power is each class's count × coefficient × clock ×
/// toggle rate (clock tree and block RAM × clock only); an estimate reports
/// watts and frames/s per watt.
final class PowerModelTests: XCTestCase {
  func testEveryPartHasAStaticFigureWithItsSource() throws {
    for part in try DeviceCatalogue.bundled().parts {
      XCTAssertGreaterThan(part.staticWatts, 0, part.name)
      XCTAssertFalse(part.powerNotes.isEmpty, part.name)
    }
  }

  func testDynamicPowerIsCountTimesCoefficientTimesClockAndToggle() throws {
    let part = try DeviceCatalogue.bundled().device(named: "pynq-z1").part
    let c = try XCTUnwrap(PowerCoefficients.bundled.families["xc7"])
    let r = Resources(lut: 10_000, ff: 20_000, dsp: 10, bram18: 40)
    let p = PowerEstimate(resources: r, part: part, clockMHz: 100)
    XCTAssertEqual(p.toggleRate, 0.125)
    XCTAssertEqual(p.toggleSource, "default")
    XCTAssertEqual(p.dynamic["lut"] ?? 0, 10_000 * c.lut * 100e-6 * 0.125, accuracy: 1e-12)
    XCTAssertEqual(p.dynamic["clock"] ?? 0, 20_000 * c.clock * 100e-6, accuracy: 1e-12)
    XCTAssertEqual(p.dynamic["bram"] ?? 0, 40 * c.bram18 * 100e-6, accuracy: 1e-12)
    XCTAssertEqual(p.dynamic["io"], 0)
    XCTAssertEqual(p.watts, part.staticWatts + p.dynamic.values.reduce(0, +), accuracy: 1e-12)
    // Twice the toggle rate doubles what switches with the data, not the clock tree or block RAM.
    let busy = PowerEstimate(resources: r, part: part, clockMHz: 100, toggleRate: 0.25)
    XCTAssertEqual(busy.toggleSource, "simulated")
    for k in ["lut", "routing", "ff", "dsp"] { XCTAssertEqual(busy.dynamic[k] ?? 0, 2 * (p.dynamic[k] ?? 0), accuracy: 1e-12, k) }
    for k in ["clock", "bram"] { XCTAssertEqual(busy.dynamic[k], p.dynamic[k], k) }
    // Twice the clock doubles all dynamic power; static stays.
    let fast = PowerEstimate(resources: r, part: part, clockMHz: 200)
    XCTAssertEqual(fast.dynamicWatts, 2 * p.dynamicWatts, accuracy: 1e-12)
    XCTAssertEqual(fast.staticWatts, p.staticWatts)
    // Off-chip traffic: bytes/s × energy per byte.
    XCTAssertEqual(PowerEstimate(resources: r, part: part, clockMHz: 100, offChipBytesPerSecond: 1e9).dynamic["io"] ?? 0, 1e9 * c.ioPicojoulesPerByte * 1e-12, accuracy: 1e-12)
  }
}
