import FinchCost
import FinchIR
import Foundation

/// A folded hardware graph turned into a chain of library modules: the
/// accelerator between the host prologue and epilogue.
public struct Design: Sendable {
  /// Placed layers in stream order.
  public var chain: [ModuleInstance]
  /// FIFO depth after each layer (0: none).
  public var fifoDepths: [Int]
  /// The graph value the accelerator consumes (the prologue's output) and the one it produces.
  public var inputValue: String
  public var outputValue: String
  /// Their shapes (one frame).
  public var inputShape: Shape
  public var outputShape: Shape

  /// Places every hardware layer of `graph` with its folding, with the FIFOs
  /// and width converters of ``StreamGlue`` between them; `folding` must be
  /// one of exactly these layers.
  public init(graph: Graph, folding networkFolding: NetworkFolding) throws(RTLError) {
    let nodes = graph.nodes.filter(\.op.isHardwareLayer)
    guard let first = nodes.first, let last = nodes.last else {
      throw .unsupported(layer: graph.name, reason: "the graph has no hardware layers")
    }
    let layers = HardwareLayer.layers(of: graph)
    guard networkFolding.names == layers.map(\.name) else {
      let missing = layers.map(\.name).filter { networkFolding[$0] == nil }
      throw .unsupported(
        layer: missing.first ?? graph.name, reason: "the folding is for layers \(networkFolding.names), not this graph's \(layers.map(\.name))")
    }
    var chain: [ModuleInstance] = []
    for (node, folding) in zip(nodes, networkFolding.foldings) {
      let name = verilogIdentifier(node.name)
      switch node.op {
      case .mvau: chain.append(try MVAUEmitter.instance(node: node, graph: graph, folding: folding, name: name))
      case .swu: chain.append(try SWUEmitter.instance(node: node, graph: graph, folding: folding, name: name))
      case .streamingMaxPool: chain.append(try MaxPoolEmitter.instance(node: node, graph: graph, folding: folding, name: name))
      case .thresholding: chain.append(try ThresholdingEmitter.instance(node: node, graph: graph, folding: folding, name: name))
      case .labelSelect: chain.append(try LabelSelectEmitter.instance(node: node, graph: graph, folding: folding, name: name))
      default: throw .unsupported(layer: node.name, reason: "\(node.op.typeName) has no RTL implementation")
      }
    }
    self.chain = chain
    let depths = zip(layers, networkFolding.foldings).map { StreamGlue.fifoDepth($0, $1) }
    fifoDepths = nodes.indices.map { i in i + 1 < nodes.count ? depths[i + 1] : 0 }
    inputValue = first.inputs[0]
    outputValue = last.outputs.last ?? last.outputs[0]
    guard let inShape = graph.type(of: inputValue)?.shape, let outShape = graph.type(of: outputValue)?.shape else {
      throw .unsupported(layer: graph.name, reason: "the accelerator's input or output has no type")
    }
    inputShape = inShape
    outputShape = outShape
  }

  /// What a host needs to drive the accelerator: the top module and its stream packing.
  public struct Manifest: Codable, Sendable {
    public struct Stream: Codable, Sendable {
      public var value: String
      public var shape: [Int]
      public var datatype: String
      public var elementBits: Int
      public var elementsPerWord: Int
      public var wordBits: Int
      public var wordsPerFrame: Int

      enum CodingKeys: String, CodingKey {
        case value, shape, datatype
        case elementBits = "element_bits", elementsPerWord = "elements_per_word", wordBits = "word_bits", wordsPerFrame = "words_per_frame"
      }
    }
    public struct Layer: Codable, Sendable {
      public var instance: String
      public var module: String
      public var parameters: [String: String]
    }
    public var top: String
    public var input: Stream
    public var output: Stream
    public var layers: [Layer]
    public var fifoDepths: [Int]
    /// Every file written beside the manifest with its content hash
    /// (``WrittenDesign/contentHash(_:)``), so edits are noticed.
    public var files: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
      case top, input, output, layers, files
      case fifoDepths = "fifo_depths"
    }
  }

  /// The manifest of this design.
  public var manifest: Manifest {
    func stream(_ value: String, _ shape: Shape, _ f: StreamFormat, _ words: Int) -> Manifest.Stream {
      Manifest.Stream(
        value: value, shape: shape.dims, datatype: f.dataType.finnName, elementBits: f.elementBits, elementsPerWord: f.elementsPerWord,
        wordBits: f.wordBits, wordsPerFrame: words)
    }
    return Manifest(
      top: "finch_top", input: stream(inputValue, inputShape, chain[0].input, chain[0].inputWords),
      output: stream(outputValue, outputShape, chain[chain.count - 1].output, chain[chain.count - 1].outputWords),
      layers: chain.map { m in
        Manifest.Layer(instance: m.name, module: m.module, parameters: Dictionary(m.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
      },
      fifoDepths: fifoDepths)
  }

  /// Writes the Verilog, memory files and `manifest.json` (with every file's
  /// hash) into `directory`, which must hold nothing else; returns the design sources.
  @discardableResult
  public func write(to directory: URL) throws(RTLError) -> [String] {
    let sources = try VerilogLibrary.writeDesign(chain, fifoDepths: fifoDepths, to: directory)
    var manifest = manifest
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name != "manifest.json" {
      guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
      manifest.files[name] = WrittenDesign.contentHash(data)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(manifest) else { throw .invalidStream("the manifest does not encode") }
    try data.writeOrThrow(to: directory.appendingPathComponent("manifest.json"))
    return sources
  }
}
