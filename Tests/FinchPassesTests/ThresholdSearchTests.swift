import FinchPasses
import XCTest

final class ThresholdSearchTests: XCTestCase {
  /// Counting thresholds must reproduce the level function at every input.
  private func check(range: ClosedRange<Int64>, levels: Int, lowest: Int64, samples: [Int64], _ f: @escaping (Int, Int64) -> Int64) {
    let channels = 3
    let found = ThresholdSearch.search(channels: channels, range: range, levels: levels, lowest: lowest) { inputs in
      inputs.enumerated().map { f($0.offset, $0.element) }
    }
    for c in 0..<channels {
      XCTAssertEqual(found[c].thresholds.count, levels)
      for a in samples {
        let x = found[c].negated ? -a : a
        let count = found[c].thresholds.filter { x >= $0 }.count
        XCTAssertEqual(lowest + Int64(count), f(c, a), "channel \(c) input \(a)")
      }
    }
  }

  func testHalfToEvenTiesOfSmallQuantizersOnIntegers() {
    // q = clamp(round_half_even(a * s)), s = 1/2, 1/4: every odd multiple of s/2 is a tie.
    for bits in 2...4 {
      for signed in [true, false] {
        let lo: Int64 = signed ? -(1 << (bits - 1)) : 0, hi: Int64 = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
        for scale: Float in [0.5, 0.25] {
          check(range: -64...64, levels: Int(hi - lo), lowest: lo, samples: Array(-64...64)) { c, a in
            let direction: Float = c == 1 ? -1 : 1
            let q = (Float(a) * scale * direction).rounded(.toNearestOrEven)
            return Int64(min(max(q, Float(lo)), Float(hi)))
          }
        }
      }
    }
  }

  func testWideRangesAreBisectedExactly() {
    let range: ClosedRange<Int64> = -5_000_000...5_000_000
    let samples = stride(from: range.lowerBound, through: range.upperBound, by: 9973).map { $0 } + [-1, 0, 1, 374_999, 375_000, 375_001]
    check(range: range, levels: 15, lowest: -7, samples: samples) { c, a in
      let y = (Float(a) * 0.00001 + Float(c) - 1).rounded(.toNearestOrEven)
      return Int64(min(max(y, -7), 8))
    }
  }

  func testConstantChannelsNeverOrAlwaysReachLevels() {
    check(range: 0...10, levels: 3, lowest: 0, samples: Array(0...10)) { c, _ in Int64(c) }
  }
}
