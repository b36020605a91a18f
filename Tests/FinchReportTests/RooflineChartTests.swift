import FinchCost
import FinchReport
import FinchTestSupport
import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The roofline SVG: well-formed XML with one path per roof and one marker per network point.
final class RooflineChartTests: XCTestCase {
  /// Counts elements by their `class` attribute and collects text.
  private final class Collector: NSObject, XMLParserDelegate {
    var classes: [String: Int] = [:]
    var root: String?
    var text = ""
    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      if root == nil { root = name }
      if let c = attributes["class"] { classes[c, default: 0] += 1 }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
  }

  private func parse(_ svg: String) throws -> Collector {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")")
    return collector
  }

  private func roofline(_ board: String, _ networks: [RooflineNetwork]) throws -> Roofline {
    let c = try DeviceCatalogue.bundled()
    let b = try c.board(named: board)
    return try Roofline(board: b, part: try c.part(of: b), networks: networks)
  }

  func testChartIsWellFormedWithOnePathPerRoofAndOneMarkerPerPoint() throws {
    let networks = try Fixture.all.map { RooflineNetwork(name: $0.name, graph: try $0.model()) }
    let r = try roofline("pynq-z1", networks)
    let svg = RooflineChart(r).svg
    let doc = try parse(svg)
    XCTAssertEqual(doc.root, "svg")
    XCTAssertEqual(doc.classes["roof"], r.roofs.count)
    XCTAssertEqual(doc.classes["marker"], 2 * networks.count)
    XCTAssertTrue(doc.text.contains("pynq-z1"), doc.text)
    XCTAssertTrue(doc.text.contains("100 MHz"), doc.text)
    for n in networks { XCTAssertTrue(doc.text.contains(n.name), n.name) }
    for label in ["1/1", "float16", "1 Top/s", "arithmetic intensity"] { XCTAssertTrue(doc.text.contains(label), label) }
  }

  /// Names are escaped; two networks at the same point still get a marker each.
  func testNamesAreEscapedAndCoincidentNetworksKeepTheirMarkers() throws {
    let graph = try Fixture(name: "tfc_w1a1").model()
    let networks = [
      RooflineNetwork(name: "a<b>&\"c\"", graph: graph), RooflineNetwork(name: "same", graph: graph),
    ]
    let doc = try parse(RooflineChart(try roofline("ice40-up5k", networks)).svg)
    XCTAssertEqual(doc.classes["marker"], 4)
    XCTAssertTrue(doc.text.contains("a<b>&\"c\""), doc.text)
  }

  func testChartWithoutNetworksHasRoofsOnly() throws {
    let r = try roofline("alveo-u250", [])
    let doc = try parse(RooflineChart(r).svg)
    XCTAssertEqual(doc.classes["roof"], 6)
    XCTAssertNil(doc.classes["marker"])
  }

  func testRateLabels() {
    XCTAssertEqual(RooflineChart.rate(10.64e12), "10.6 Top/s")
    XCTAssertEqual(RooflineChart.rate(487.2e9), "487 Gop/s")
    XCTAssertEqual(RooflineChart.rate(1.5), "1.50 op/s")
  }
}
