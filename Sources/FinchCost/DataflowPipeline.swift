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
    }
    /// The layer's name, or `fifo_<consumer>` / `dwc_<consumer>` for the glue feeding a layer.
    public var name: String
    /// A Verilog identifier unique in the design, derived from ``name``.
    public var instance: String
    public var kind: Kind
    public var input: StreamFormat
    public var output: StreamFormat
    /// Words per frame entering and leaving the element.
    public var inputWords: Int
    public var outputWords: Int

    public init(
      name: String, instance: String, kind: Kind, input: StreamFormat, output: StreamFormat, inputWords: Int, outputWords: Int
    ) {
      (self.name, self.instance, self.kind, self.input, self.output) = (name, instance, kind, input, output)
      (self.inputWords, self.outputWords) = (inputWords, outputWords)
    }

    /// The op column of reports: the layer kind, `FIFO` or `DWC`.
    public func op(in pipeline: DataflowPipeline) -> String {
      switch kind {
      case .layer(let i): return pipeline.layers[i].kind.rawValue
      case .fifo: return "FIFO"
      case .dwc: return "DWC"
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
    try Self.checkChain(layers)
    self.layers = layers
    self.folding = folding
    elements = Self.elements(layers, folding.foldings, fifoDepth: fifoDepth ?? { _, _ in StreamGlue.minimumFIFODepth })
    fifoSizing = .given
    guard fifoDepth == nil else { return }
    for (i, depth) in FIFOSizing.depths(of: self, latency: LatencyEstimate(self)) { elements[i].kind = .fifo(depth: depth) }
    fifoSizing = .scheduleBound
    if sizing == .minimal, let minimal = FIFOSizing.minimalDepths(of: self) {
      for (i, depth) in minimal { elements[i].kind = .fifo(depth: depth) }
      fifoSizing = .minimal
    }
  }

  /// This pipeline with the FIFO feeding layer `consumer` `depth` words deep
  /// (unchanged when it has no such FIFO).
  public func resizingFIFO(feeding consumer: String, to depth: Int) -> DataflowPipeline {
    var copy = self
    for (i, e) in copy.elements.enumerated() where e.name == "fifo_\(consumer)" { copy.elements[i].kind = .fifo(depth: depth) }
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

  /// The elements of `layers` at `foldings` (one per layer, already checked).
  static func elements(_ layers: [HardwareLayer], _ foldings: [LayerFolding], fifoDepth: (HardwareLayer, LayerFolding) -> Int) -> [Element] {
    var result: [Element] = []
    var used = Set<String>()
    func add(_ name: String, _ kind: Element.Kind, _ input: StreamFormat, _ output: StreamFormat, _ inWords: Int, _ outWords: Int) {
      var instance = verilogIdentifier(name)
      if !used.insert(instance).inserted {
        var n = 1
        while used.contains("\(instance)_\(n)") { n += 1 }
        instance = "\(instance)_\(n)"
        used.insert(instance)
      }
      result.append(Element(name: name, instance: instance, kind: kind, input: input, output: output, inputWords: inWords, outputWords: outWords))
    }
    for (i, (l, f)) in zip(layers, foldings).enumerated() {
      let (input, output) = (l.inputStream(f), l.outputStream(f))
      let inWords = l.inputElements / max(input.elementsPerWord, 1)
      let outWords = l.kind == .labelSelect ? l.vectors * l.k : l.outputElements / max(output.elementsPerWord, 1)
      if let previous = result.last {
        if previous.output.wordBits != input.wordBits {
          add("dwc_\(l.name)", .dwc, previous.output, input, previous.outputWords, inWords)
        }
        add("fifo_\(l.name)", .fifo(depth: fifoDepth(l, f)), input, input, inWords, inWords)
      }
      add(l.name, .layer(index: i), input, output, inWords, outWords)
    }
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

extension DataflowPipeline {
  /// Layers a dataflow design cannot hold yet: those of a graph that branches
  /// (a stream two layers read, a layer reading two streams: AddStreams).
  static func checkChain(_ layers: [HardwareLayer]) throws(FinchCostError) {
    for (i, l) in layers.enumerated() {
      if l.kind == .addStreams {
        throw .unsupportedDesign(layer: l.name, reason: "a sum of two streams needs a design that branches, which is not built yet")
      }
      guard i > 0, !l.streamInputs.isEmpty, !layers[i - 1].streamOutput.isEmpty, l.streamInputs != [layers[i - 1].streamOutput] else { continue }
      throw .unsupportedDesign(
        layer: l.name,
        reason: "it reads \(l.streamInputs.joined(separator: " and ")), not just the output of the layer before it ('\(layers[i - 1].name)'): "
          + "designs of graphs that branch are not built yet")
    }
  }
}
