import FinchIR
@testable import FinchInterpreter
import XCTest

/// QONNX `Quant`, `BipolarQuant`, `Trunc` and `MultiThreshold` against slow,
/// obviously-right references, swept over every value of small widths.
final class QuantSemanticsTests: XCTestCase {
  /// Rounds with integer arithmetic on the exact quarter-step grid the sweep uses.
  private func referenceRound(_ x: Double, _ mode: RoundingMode) -> Double {
    let f = x.rounded(.down), frac = x - f
    switch mode {
    case .ceil: return frac == 0 ? x : f + 1
    case .floor: return f
    case .up: return frac == 0 ? x : (x > 0 ? f + 1 : f)
    case .down: return frac == 0 ? x : (x > 0 ? f : f + 1)
    case .round: return frac < 0.5 ? f : frac > 0.5 ? f + 1 : (f.truncatingRemainder(dividingBy: 2) == 0 ? f : f + 1)
    case .halfUp: return frac < 0.5 ? f : frac > 0.5 ? f + 1 : (x > 0 ? f + 1 : f)
    case .halfDown: return frac < 0.5 ? f : frac > 0.5 ? f + 1 : (x > 0 ? f : f + 1)
    }
  }

  func testQuantSweepsEveryValueOfSmallWidths() throws {
    let grid = (-80...80).map { Float($0) / 4 }
    let x = Tensor(shape: [1, grid.count], floats: grid)
    for bits in [1, 2, 3, 4, 5, 8] {
      for signed in [true, false] {
        for narrow in [false, true] {
          for mode in RoundingMode.allCases {
            for (scale, zp) in [(Float(1), Float(0)), (0.5, 0), (1, 1), (0.25, -2)] {
              let q = Quant(signed: signed, narrow: narrow, rounding: mode)
              let y = try Semantics.quant(
                x, scale: Tensor(scalar: scale), zeroPoint: Tensor(scalar: zp), bitWidth: Tensor(scalar: Float(bits)), q)
              for (i, v) in grid.enumerated() {
                let expected = reference(Double(v), Double(scale), Double(zp), bits, signed, narrow, mode)
                XCTAssertEqual(Double(y.floats[i]), expected, "x=\(v) bits=\(bits) signed=\(signed) narrow=\(narrow) \(mode) s=\(scale) z=\(zp)")
              }
            }
          }
        }
      }
    }
  }

  private func reference(_ x: Double, _ s: Double, _ z: Double, _ bits: Int, _ signed: Bool, _ narrow: Bool, _ mode: RoundingMode) -> Double {
    var q = x / s + z
    if bits == 1 && signed {
      q = q >= 0 ? 1 : -1
    } else {
      let lo: Double = signed ? -Double(1 << (bits - 1)) + (narrow ? 1 : 0) : 0
      let hi: Double = signed ? Double(1 << (bits - 1)) - 1 : Double(1 << bits) - (narrow ? 2 : 1)
      q = referenceRound(min(max(q, lo), hi), mode)
    }
    return (q - z) * s
  }

  func testRoundIsHalfToEvenOnEveryTie() throws {
    let ties = (-20...19).map { Float($0) + 0.5 }
    let y = try Semantics.quant(
      Tensor(shape: [ties.count], floats: ties), scale: Tensor(scalar: 1), zeroPoint: Tensor(scalar: 0),
      bitWidth: Tensor(scalar: 8), Quant(signed: true, narrow: false, rounding: .round))
    for (t, v) in zip(ties, y.floats) {
      XCTAssertEqual(Int(v) % 2, 0, "tie \(t) rounded to odd \(v)")
      XCTAssertEqual(abs(v - t), 0.5)
    }
  }

  func testPerChannelScaleBroadcasts() throws {
    let x = Tensor(shape: [2, 3], floats: [0.4, 1.4, 2.6, -0.4, -1.4, -2.6])
    let scale = Tensor(shape: [2, 1], floats: [1, 0.5])
    let y = try Semantics.quant(
      x, scale: scale, zeroPoint: Tensor(scalar: 0), bitWidth: Tensor(scalar: 4), Quant(signed: true, narrow: false, rounding: .round))
    XCTAssertEqual(y.floats, [0, 1, 3, -0.5, -1.5, -2.5])
  }

  func testBipolarQuantIsSignWithZeroPositive() throws {
    let y = try Semantics.bipolarQuant(Tensor(shape: [4], floats: [-2, -0.0, 0, 3]), scale: Tensor(scalar: 0.5))
    XCTAssertEqual(y.floats, [-0.5, 0.5, 0.5, 0.5])
  }

  func testMultiThresholdCountsPerChannelInBothLayouts() throws {
    let thresholds = Tensor(shape: [2, 3], floats: [0, 1, 2, 10, 20, 30])
    let nchw = Tensor(shape: [1, 2, 2], floats: [1, 2, 15, 30])
    let a = try Semantics.multiThreshold(nchw, thresholds: thresholds, MultiThreshold(outScale: 2, outBias: -1, outType: .int(3)))
    XCTAssertEqual(a.floats, [3, 5, 1, 5])
    let nhwc = Tensor(shape: [1, 2, 2], floats: [1, 15, 2, 30])
    let b = try Semantics.multiThreshold(nhwc, thresholds: thresholds, MultiThreshold(outType: .uint(2), channelsLast: true))
    XCTAssertEqual(b.floats, [2, 1, 3, 3])
  }

  func testTruncDividesByPowerOfTwoThenRounds() throws {
    // 8-bit values at scale 1 truncated to 4 bits at scale 16: floor(x / 16).
    let xs = (-128...127).map(Float.init)
    let one = Tensor(scalar: 1)
    let args: [Tensor?] = [one, Tensor(scalar: 0), Tensor(scalar: 8), Tensor(scalar: 16), Tensor(scalar: 4)]
    let y = try Semantics.trunc(Tensor(shape: [xs.count], floats: xs), args: args, Trunc(signed: true, narrow: false, rounding: .floor))
    for (x, v) in zip(xs, y.floats) { XCTAssertEqual(v, (x / 16).rounded(.down) * 16, "x=\(x)") }
  }

  func testXnorPopcountCountsAgreements() throws {
    let x = Tensor(shape: [1, 4], floats: [1, 0, 1, 1])
    let w = Tensor(shape: [4, 2], floats: [1, 0, 0, 1, 1, 1, 0, 0])
    XCTAssertEqual(try Semantics.xnorPopcountMatMul(x, w).floats, [3, 1])
  }
}
