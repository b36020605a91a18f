import FinchIR
import XCTest

@testable import FinchONNX

/// A model's documentation and metadata survive import, the printed IR and export.
final class MetadataTests: XCTestCase {
  func testDocStringsAndMetadataRoundTrip() throws {
    var model = Proto.model(
      nodes: [Proto.node("Relu", ["x"], ["y"], name: "relu")], inputs: [Proto.value("x", [1, 4])], outputs: [Proto.value("y", [1, 4])])
    model.docString = "A tiny model.\nSecond line with \"quotes\"."
    model.graph.node[0].docString = "rectifies"
    var entry = Onnx_StringStringEntryProto()
    (entry.key, entry.value) = ("trained_by", "brevitas 0.11")
    model.metadataProps = [entry]
    let graph = try Proto.load(model)
    XCTAssertEqual(graph.docString, model.docString)
    XCTAssertEqual(graph.metadata, ["trained_by": "brevitas 0.11"])
    XCTAssertEqual(graph.nodes[0].docString, "rectifies")

    let parsed = try Graph(parsing: graph.fullText)
    XCTAssertEqual(parsed, graph)
    XCTAssertEqual(parsed.fullText, graph.fullText)

    let exported = try Onnx_ModelProto(serializedBytes: try ONNXExporter.encode(graph))
    XCTAssertEqual(exported.docString, model.docString)
    XCTAssertEqual(exported.metadataProps.map(\.key), ["trained_by"])
    XCTAssertEqual(exported.graph.node[0].docString, "rectifies")
    XCTAssertEqual(exported.producerName, "finch")
    XCTAssertEqual(try ONNXImporter.decode(try ONNXExporter.encode(graph), file: "again.onnx"), graph)
  }
}
