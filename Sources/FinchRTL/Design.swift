import FinchCost
import FinchIR
import Foundation

/// A folded hardware graph placed as library modules: every element of its
/// ``DataflowPipeline`` (layers, width converters, FIFOs, fan-outs) as one
/// instance, in stream order, between the host prologue and epilogue.
public struct Design: Sendable {
  /// The layers and glue it places.
  public var pipeline: DataflowPipeline
  /// Every element as a module instance, in the pipeline's order (same indices).
  public var instances: [ModuleInstance]
  /// The graph value the accelerator consumes (the prologue's output) and the one it produces.
  public var inputValue: String
  public var outputValue: String
  /// Their shapes (one frame).
  public var inputShape: Shape
  public var outputShape: Shape

  /// Places every hardware layer of `graph` folded as `folding` (one entry
  /// per layer), with the glue ``DataflowPipeline`` puts between them.
  /// `fifoDepth` overrides ``FIFOSizing`` (tests use shallow FIFOs).
  public init(
    graph: Graph, folding: NetworkFolding, fifoDepth: (@Sendable (HardwareLayer, LayerFolding) -> Int)? = nil
  ) throws(RTLError) {
    let pipeline: DataflowPipeline
    do {
      pipeline = try DataflowPipeline(layers: try HardwareLayer.layers(of: graph), folding: folding, fifoDepth: fifoDepth)
    } catch {
      throw .layer(error)
    }
    try self.init(graph: graph, pipeline: pipeline)
  }

  /// Places `pipeline`, made from `graph`'s hardware layers.
  public init(graph: Graph, pipeline: DataflowPipeline) throws(RTLError) {
    let nodes = graph.nodes.filter(\.op.isHardwareLayer)
    guard let first = nodes.first, let last = nodes.last, nodes.map(\.name) == pipeline.layers.map(\.name) else {
      throw .unsupported(layer: graph.name, reason: "the graph's hardware layers are not the pipeline's")
    }
    self.pipeline = pipeline
    instances = try pipeline.elements.map { (e: DataflowPipeline.Element) throws(RTLError) in try Self.instance(e, pipeline) }
    inputValue = first.inputs[0]
    outputValue = last.outputs.last ?? last.outputs[0]
    guard let inShape = graph.type(of: inputValue)?.shape, let outShape = graph.type(of: outputValue)?.shape else {
      throw .unsupported(layer: graph.name, reason: "the accelerator's input or output has no type")
    }
    inputShape = inShape
    outputShape = outShape
  }

  /// The module instance of one element.
  static func instance(_ e: DataflowPipeline.Element, _ pipeline: DataflowPipeline) throws(RTLError) -> ModuleInstance {
    for (stream, format) in [("input", e.input), ("output", e.output)] where !format.dataType.isInteger {
      throw .unsupported(layer: e.name, reason: "its \(stream) stream is \(format.dataType); hardware streams carry integers")
    }
    switch e.kind {
    case .fifo, .dwc, .dup:
      return glue(e)
    case .layer(let i):
      let (l, f) = (pipeline.layers[i], pipeline.folding.foldings[i])
      switch l.kind {
      case .mvau: return try MVAUEmitter.instance(l, f, e)
      case .swu: return try SWUEmitter.instance(l, f, e)
      case .streamingMaxPool: return try MaxPoolEmitter.instance(l, f, e)
      case .thresholding: return try ThresholdingEmitter.instance(l, f, e)
      case .labelSelect: return try LabelSelectEmitter.instance(l, f, e)
      case .globalAccPool: return GlobalAccPoolEmitter.instance(l, f, e)
      case .vvau: return try VVAUEmitter.instance(l, f, e)
      case .addStreams: return try AddStreamsEmitter.instance(l, f, e)
      case .streamingConcat: return StreamingConcatEmitter.instance(l, f, e)
      }
    }
  }

  /// The module instance of a FIFO, width converter or fan-out (one with no layer behind it).
  static func glue(_ e: DataflowPipeline.Element) -> ModuleInstance {
    switch e.kind {
    case .dup:
      return ModuleInstance(module: "finch_dup", element: e, parameters: [("WIDTH", "\(e.input.wordBits)")])
    case .fifo(let depth):
      return ModuleInstance(module: "finch_fifo", element: e, parameters: [("WIDTH", "\(e.input.wordBits)"), ("DEPTH", "\(depth)")])
    case .dwc, .layer:
      return ModuleInstance(module: "finch_dwc", element: e, parameters: [("IN_W", "\(e.input.wordBits)"), ("OUT_W", "\(e.output.wordBits)")])
    }
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

      /// The stream's packing.
      public func format() throws(RTLError) -> StreamFormat {
        guard let dataType = DataType(finnName: datatype), elementsPerWord >= 1 else {
          throw .invalidStream("the manifest's stream '\(value)' has datatype '\(datatype)' and \(elementsPerWord) elements per word")
        }
        return StreamFormat(dataType: dataType, elementsPerWord: elementsPerWord)
      }
    }
    /// One placed element: its name in every report, its instance and module.
    public struct Layer: Codable, Sendable {
      public var name: String
      public var instance: String
      public var module: String
      public var parameters: [String: String]
    }
    public var top: String
    public var input: Stream
    public var output: Stream
    /// Every element (layers and glue) in stream order.
    public var layers: [Layer]
    /// Every file written beside the manifest with its content hash
    /// (``WrittenDesign/contentHash(_:)``), so edits are noticed.
    public var files: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
      case top, input, output, layers, files
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
      top: "finch_top", input: stream(inputValue, inputShape, instances[0].input, instances[0].inputWords),
      output: stream(outputValue, outputShape, instances[instances.count - 1].output, instances[instances.count - 1].outputWords),
      layers: instances.map { m in
        Manifest.Layer(
          name: m.elementName, instance: m.name, module: m.module,
          parameters: Dictionary(m.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
      })
  }

  /// Writes the Verilog, memory files and `manifest.json` (with every file's
  /// hash) into `directory`, which must hold nothing else; returns the design sources.
  @discardableResult
  public func write(to directory: URL) throws(RTLError) -> [String] {
    let sources = try VerilogLibrary.writeDesign(instances, to: directory)
    var manifest = manifest
    manifest.files = WrittenDesign.hashes(in: directory)
    try WrittenDesign.write(manifest: manifest, to: directory)
    return sources
  }
}
