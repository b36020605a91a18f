/// The hardware elements of a folded network in stream order: its layers and
/// the stream glue between them (width converters and FIFOs), each with a
/// stable name, a unique instance name and its streams. Built once from the
/// layer list and a folding; the estimate, the RTL stitcher, the synthesis
/// report and the manifest all read these elements, so each names every
/// element the same way.
///
/// Between consecutive layers a width converter sits wherever the producer's
/// output word and the consumer's input word differ, then a FIFO at the
/// consumer's width, as deep as ``FIFOSizing`` finds the schedule needs.
public struct DataflowPipeline: Sendable {
  /// One hardware element.
  public struct Element: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
      /// Layer `index` of ``DataflowPipeline/layers``.
      case layer(index: Int)
      /// A FIFO of `depth` words.
      case fifo(depth: Int)
      /// A data-width converter.
      case dwc
      /// A fan-out: every word leaves on both outputs (ports 0 and 1).
      case dup
    }
    /// One output of an element: `port` 1 is a fan-out's second.
    public struct Source: Sendable, Equatable, Hashable {
      public var element: Int
      public var port: Int
      public init(element: Int, port: Int = 0) { (self.element, self.port) = (element, port) }
    }
    /// The layer's name, `fifo_<consumer>` / `dwc_<consumer>` for the glue
    /// feeding a layer's first input (`…_1` its second), or `dup_<producer>`
    /// for a fan-out.
    public var name: String
    /// A Verilog identifier unique in the design, derived from ``name``.
    public var instance: String
    public var kind: Kind
    /// The (first) input stream and the output stream.
    public var input: StreamFormat
    public var output: StreamFormat
    /// AddStreams: the second input stream.
    public var secondInput: StreamFormat?
    /// Words per frame entering (each input) and leaving the element.
    public var inputWords: Int
    public var outputWords: Int
    /// The outputs it reads, one per input (none: the accelerator's input).
    public var sources: [Source] = []

    public init(
      name: String, instance: String, kind: Kind, input: StreamFormat, output: StreamFormat, inputWords: Int, outputWords: Int
    ) {
      (self.name, self.instance, self.kind, self.input, self.output) = (name, instance, kind, input, output)
      (self.inputWords, self.outputWords) = (inputWords, outputWords)
    }

    /// The op column of reports: the layer kind, `FIFO`, `DWC` or `Dup`.
    public func op(in pipeline: DataflowPipeline) -> String {
      switch kind {
      case .layer(let i): return pipeline.layers[i].kind.rawValue
      case .fifo: return "FIFO"
      case .dwc: return "DWC"
      case .dup: return "Dup"
      }
    }
  }

  /// The layers, in stream order.
  public let layers: [HardwareLayer]
  /// Their folding.
  public let folding: NetworkFolding
  /// Layers and glue, in stream order.
  public private(set) var elements: [Element]

  /// How the FIFOs were sized.
  public enum FIFOSizingMethod: String, Sendable, Codable {
    /// The least depths that keep the schedule of FIFOs that never fill
    /// (``FIFOSizing/minimalDepths(of:frames:workLimit:)``, simulated): what
    /// a design gets unless simulating it would take too long.
    case minimal
    /// The bound ``FIFOSizing/depths(of:latency:)`` reads off the latency
    /// model's steady-state schedule: never shallower than the minimum, and
    /// microseconds to compute, so the folding solver prices candidates with it.
    case scheduleBound = "schedule_bound"
    /// Depths at which a simulated run keeps the schedule of FIFOs that never
    /// fill, not searched lower: a design that branches
    /// (``FIFOSizing/minimalDepths(of:frames:workLimit:)``).
    case simulated
    /// Depths the caller gave (a build's recorded depths, tests).
    case given
  }

  /// How the FIFOs were sized.
  public private(set) var fifoSizing: FIFOSizingMethod

  /// Places `layers` folded as `folding` with the glue between them, FIFOs
  /// sized by `sizing` (the schedule bound where the minimal search would
  /// simulate too long), or `fifoDepth(consumer, its folding)` words deep
  /// when given (tests, and a build's recorded depths).
  public init(
    layers: [HardwareLayer], folding: NetworkFolding, fifoDepth: ((HardwareLayer, LayerFolding) -> Int)? = nil,
    sizing: FIFOSizingMethod = .minimal
  ) throws(FinchCostError) {
    guard folding.names == layers.map(\.name) else {
      let missing = layers.map(\.name).filter { folding[$0] == nil }
      throw .invalidFolding(
        layer: missing.first ?? layers.first?.name ?? "", reason: "the folding is for layers \(folding.names), not \(layers.map(\.name))")
    }
    self.layers = layers
    self.folding = folding
    elements = try Self.elements(layers, folding.foldings, fifoDepth: fifoDepth ?? { _, _ in StreamGlue.minimumFIFODepth })
    fifoSizing = .given
    guard fifoDepth == nil else { return }
    for (i, depth) in FIFOSizing.depths(of: self, latency: LatencyEstimate(self)) { elements[i].kind = .fifo(depth: depth) }
    fifoSizing = .scheduleBound
    if sizing == .minimal, let minimal = FIFOSizing.minimalDepths(of: self) {
      for (i, depth) in minimal { elements[i].kind = .fifo(depth: depth) }
      fifoSizing = isChain ? .minimal : .simulated
    }
  }

  /// This pipeline with each FIFO named in `depths` (element name to words) that deep.
  public func withFIFODepths(_ depths: [String: Int]) -> DataflowPipeline {
    var copy = self
    for (i, e) in copy.elements.enumerated() { if case .fifo = e.kind, let depth = depths[e.name] { copy.elements[i].kind = .fifo(depth: depth) } }
    copy.fifoSizing = .given
    return copy
  }

  /// Every FIFO's depth, by element index.
  public var fifoDepths: [Int: Int] {
    var result: [Int: Int] = [:]
    for (i, e) in elements.enumerated() { if case .fifo(let depth) = e.kind { result[i] = depth } }
    return result
  }

  /// The depth of the FIFO feeding layer `consumer`, if it has one.
  public func fifoDepth(feeding consumer: String) -> Int? {
    guard case .fifo(let depth) = self["fifo_\(consumer)"]?.kind else { return nil }
    return depth
  }

  /// The elements of `layers` at `foldings` (one per layer, already
  /// checked), each layer reading the streams its ``HardwareLayer/streamInputs``
  /// name (a layer naming none reads the layer before it).
  static func elements(
    _ layers: [HardwareLayer], _ foldings: [LayerFolding], fifoDepth: (HardwareLayer, LayerFolding) -> Int
  ) throws(FinchCostError) -> [Element] {
    var result: [Element] = []
    var used = Set<String>()
    @discardableResult
    func add(_ name: String, _ kind: Element.Kind, _ input: StreamFormat, _ output: StreamFormat, _ inWords: Int, _ outWords: Int, _ sources: [Element.Source]) -> Element.Source {
      var instance = verilogIdentifier(name)
      if !used.insert(instance).inserted {
        var n = 1
        while used.contains("\(instance)_\(n)") { n += 1 }
        instance = "\(instance)_\(n)"
        used.insert(instance)
      }
      var e = Element(name: name, instance: instance, kind: kind, input: input, output: output, inputWords: inWords, outputWords: outWords)
      e.sources = sources
      result.append(e)
      return Element.Source(element: result.count - 1)
    }
    // The streams layers read, by name, and how many read each: every reader takes one output carrying it.
    var readers: [String: Int] = [:]
    for l in layers.dropFirst() { for s in l.streamInputs { readers[s, default: 0] += 1 } }
    var outputs: [String: [Element.Source]] = [:]
    var previous: Element.Source?
    for (i, (l, f)) in zip(layers, foldings).enumerated() {
      let (input, output) = (l.inputStream(f), l.outputStream(f))
      // Words per frame into each input (a concatenation's inputs carry their own channels).
      func words(_ port: Int) -> Int {
        l.kind == .streamingConcat ? l.vectors * l.concatWords(f)[port] : l.inputElements / max(input.elementsPerWord, 1)
      }
      let inWords = words(0)
      let outWords = l.kind == .labelSelect ? l.vectors * l.k : l.outputElements / max(output.elementsPerWord, 1)
      var sources: [Element.Source] = []
      if i > 0 {
        let streams = l.streamInputs.isEmpty ? [""] : l.streamInputs
        for (port, stream) in streams.enumerated() {
          let format = port == 0 ? input : StreamFormat(dataType: l.addendType, elementsPerWord: input.elementsPerWord)
          guard var from = stream.isEmpty ? previous : outputs[stream]?.popLast() else {
            throw .unsupportedDesign(layer: l.name, reason: "it reads '\(stream)', which no hardware layer before it writes")
          }
          let suffix = port == 0 ? "" : "_\(port)"
          let producer = result[from.element]
          if producer.output.wordBits != format.wordBits {
            from = add("dwc_\(l.name)\(suffix)", .dwc, producer.output, format, producer.outputWords, words(port), [from])
          }
          sources.append(add("fifo_\(l.name)\(suffix)", .fifo(depth: fifoDepth(l, f)), format, format, words(port), words(port), [from]))
        }
      }
      var placed = add(l.name, .layer(index: i), input, output, inWords, outWords, sources)
      if sources.count > 1 { result[placed.element].secondInput = result[sources[1].element].input }
      previous = placed
      // A fan-out per extra reader: the first keeps port 0 of each, the last both ports of the last.
      let count = readers[l.streamOutput] ?? 0
      guard !l.streamOutput.isEmpty, count > 0 else { continue }
      var taps: [Element.Source] = []
      for k in 0..<(count - 1) {
        placed = add("dup_\(l.name)\(k == 0 ? "" : "_\(k)")", .dup, output, output, outWords, outWords, [placed])
        taps.append(placed)
        placed.port = 1
      }
      taps.append(placed)
      outputs[l.streamOutput] = taps.reversed()
    }
    // Every layer's output but the last one's is read (the accelerator has one output stream).
    for l in layers.dropLast() where !l.streamOutput.isEmpty && readers[l.streamOutput] == nil {
      throw .unsupportedDesign(layer: l.name, reason: "its output '\(l.streamOutput)' leaves the accelerator, which has one output stream, the last layer's")
    }
    return result
  }

  /// Whether every element reads only the one before it (no fan-out, no sum of streams).
  public var isChain: Bool {
    elements.indices.dropFirst().allSatisfy { elements[$0].sources == [Element.Source(element: $0 - 1)] }
  }

  /// The elements reading each element's outputs: `(reader, its input)` by source.
  public var readers: [Element.Source: (element: Int, input: Int)] {
    var result: [Element.Source: (element: Int, input: Int)] = [:]
    for (i, e) in elements.enumerated() { for (k, s) in e.sources.enumerated() { result[s] = (i, k) } }
    return result
  }

  /// The element named `name`.
  public subscript(name: String) -> Element? { elements.first { $0.name == name } }
}

/// A Verilog identifier from an arbitrary layer name: ASCII letters, digits and
/// underscores, not starting with a digit, never a keyword.
public func verilogIdentifier(_ name: String) -> String {
  var s = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
  if s.first?.isNumber ?? true || verilogKeywords.contains(s) { s = "l_" + s }
  return s
}

/// Verilog-2005 keywords, which no generated identifier may be.
private let verilogKeywords = Set(
  ("always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default defparam design "
    + "disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive endspecify endtable endtask "
    + "event for force forever fork function generate genvar highz0 highz1 if ifnone incdir include initial inout input "
    + "instance integer join large liblist library localparam macromodule medium module nand negedge nmos nor "
    + "noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown pullup "
    + "pulsestyle_ondetect pulsestyle_onevent rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 "
    + "scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 "
    + "tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor")
    .split(separator: " ").map(String.init))
