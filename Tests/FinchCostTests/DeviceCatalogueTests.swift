import FinchCost
import Foundation
import XCTest

/// The shipped device catalogue: every required board, research totals, lookups and errors.
final class DeviceCatalogueTests: XCTestCase {
  /// The boards issue 4 asks for, with the part each must sit on.
  static let requiredBoards = [
    "pynq-z1": "xc7z020", "pynq-z2": "xc7z020", "ultra96": "xczu3eg", "zcu102": "xczu9eg", "zcu104": "xczu7ev",
    "zu19eg": "xczu19eg", "aws-f1": "xcvu9p", "alveo-u250": "xcu250", "ice40-up5k": "ice40up5k", "ice40-hx8k": "ice40hx8k",
  ]

  func testEveryRequiredBoardIsPresentWithItsPart() throws {
    let catalogue = try DeviceCatalogue.bundled()
    for (name, partName) in Self.requiredBoards.sorted(by: { $0.key < $1.key }) {
      let board = try catalogue.board(named: name)
      XCTAssertEqual(board.part, partName, name)
      let part = try catalogue.part(of: board)
      XCTAssertEqual(part.name, partName)
      XCTAssertGreaterThan(board.bandwidthGBps, 0, name)
      XCTAssertGreaterThan(board.clockMHz, 0, name)
      XCTAssertGreaterThan(part.luts, 0, name)
    }
  }

  /// shared/research/fpga-tools.md §7: 53,200 LUT, 106,400 FF, 220 DSP48E1, 140 BRAM36, 17,400 LUTRAM.
  func testXC7Z020TotalsEqualTheResearchTable() throws {
    let p = try DeviceCatalogue.bundled().part(named: "xc7z020")
    XCTAssertEqual(p.family, .xc7)
    XCTAssertEqual([p.luts, p.ffs, p.dsps, p.bram18, p.uram, p.lutramLUTs], [53_200, 106_400, 220, 280, 0, 17_400])
    XCTAssertEqual(p.dspKind, .dsp48e1)
    XCTAssertEqual(p.blockRAMBits, 140 * 36 * 1024)
  }

  func testOtherTotalsFromTheResearchTable() throws {
    let c = try DeviceCatalogue.bundled()
    let expected: [(String, [Int])] = [  // LUT, FF, DSP, BRAM18, URAM
      ("xczu3eg", [70_560, 141_120, 360, 432, 0]), ("xczu7ev", [230_400, 460_800, 1_728, 624, 96]),
      ("xczu9eg", [274_080, 548_160, 2_520, 1_824, 0]), ("xczu19eg", [522_720, 1_045_440, 1_968, 1_968, 128]),
      ("xcvu9p", [1_182_240, 2_364_480, 6_840, 4_320, 960]), ("xcu250", [1_728_000, 3_456_000, 12_288, 5_376, 1_280]),
      ("ice40up5k", [5_280, 5_280, 8, 0, 0]), ("ice40hx8k", [7_680, 7_680, 0, 0, 0]),
    ]
    for (name, totals) in expected {
      let p = try c.part(named: name)
      XCTAssertEqual([p.luts, p.ffs, p.dsps, p.bram18, p.uram], totals, name)
    }
    XCTAssertEqual(try c.part(named: "ice40up5k").ebr4k, 30)
    XCTAssertEqual(try c.part(named: "ice40up5k").spram, 4)
    XCTAssertEqual(try c.part(named: "ice40hx8k").ebr4k, 32)
    XCTAssertEqual(try c.part(named: "ice40up5k").family.lutInputs, 4)
  }

  func testLookupIgnoresCaseAndAcceptsAliasesAndParts() throws {
    let c = try DeviceCatalogue.bundled()
    XCTAssertEqual(try c.board(named: "PYNQ-Z1").name, "pynq-z1")
    XCTAssertEqual(try c.board(named: "U250").name, "alveo-u250")
    XCTAssertEqual(try c.part(named: "XCZU7EV").name, "xczu7ev")
    let board = try c.device(named: "Ultra96")
    XCTAssertEqual(board.board?.name, "ultra96")
    XCTAssertEqual(board.part.name, "xczu3eg")
    XCTAssertEqual(board.clockMHz, board.board?.clockMHz)
    let part = try c.device(named: "xcvu9p")
    XCTAssertNil(part.board)
    XCTAssertEqual(part.name, "xcvu9p")
    XCTAssertEqual(part.clockMHz, part.part.clockMHz)
  }

  func testUnknownNameErrorListsTheKnownNames() throws {
    let c = try DeviceCatalogue.bundled()
    XCTAssertThrowsError(try c.device(named: "pynq-z9")) { error in
      let text = String(describing: error)
      XCTAssertTrue(text.contains("'pynq-z9'"), text)
      for name in Self.requiredBoards.keys.sorted() + ["xc7z020", "xcu250"] { XCTAssertTrue(text.contains(name), text) }
      XCTAssertFalse(text.contains("\n"))
    }
    XCTAssertThrowsError(try c.board(named: "xc7z020")) { error in
      XCTAssertEqual(error as? FinchCostError, .unknownDevice("xc7z020", known: c.boards.map(\.name)))
    }
  }

  func testCatalogueRejectsInconsistentData() {
    let part = Part(
      name: "p", family: .xc7, luts: 10, ffs: 10, dsps: 0, dspKind: .none, bram18: 0, lutramLUTs: 0, clockMHz: 100)
    let board = Board(name: "b", part: "q", clockMHz: 100, bandwidthGBps: 1)
    XCTAssertThrowsError(try DeviceCatalogue(parts: [part], boards: [board])) { error in
      XCTAssertTrue(String(describing: error).contains("names part 'q'"), "\(error)")
    }
    XCTAssertThrowsError(try DeviceCatalogue(parts: [part, part], boards: []))
    XCTAssertThrowsError(try DeviceCatalogue.load(data: Data("{\"parts\": 3}".utf8))) { error in
      XCTAssertTrue(String(describing: error).hasPrefix("device catalogue:"), "\(error)")
    }
  }

  /// The catalogue encodes to the `devices.json` format and decodes back unchanged.
  func testCatalogueRoundTripsThroughJSON() throws {
    let c = try DeviceCatalogue.bundled()
    let data = try JSONEncoder().encode(c)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let parts = try XCTUnwrap(object["parts"] as? [[String: Any]])
    XCTAssertEqual(parts.first?["lutram_luts"] as? Int, 17_400)
    let back = try DeviceCatalogue.load(data: data)
    XCTAssertEqual(back.parts, c.parts)
    XCTAssertEqual(back.boards, c.boards)
  }
}
