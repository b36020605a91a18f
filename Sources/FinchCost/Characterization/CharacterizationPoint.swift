import FinchIR

/// One configuration of one RTL module, synthesized standalone by the
/// characterization sweep (`finch characterize`) and fitted by ``ResourceFit``.
///
/// A point is its module and integer parameters; layer modules also carry a
/// seed for their weights and thresholds, so the same point always builds the
/// same layer. ``pipeline()`` builds that layer through the compiler's own
/// path (a one-node graph, ``HardwareLayer/layers(of:)``), so the resource
/// model sees exactly the facts it sees for a real network.
///
/// Parameters (datatype kinds: 0 unsigned, 1 signed, 2 bipolar, 3 ternary):
/// - `mvau`: `mw`, `mh`, `pe`, `simd`, `a`/`ak` input bits and kind, `w`/`wk`
///   weight bits and kind, `t` thresholds per channel (0: none), `seed`.
/// - `thresholding`: `c` channels, `pe`, `a`/`ak` input, `t` thresholds, `shared` (0/1), `seed`.
/// - `swu`: `c`, `simd`, `k` kernel, `s` stride, `p` padding, `h`/`wd` image, `a` bits.
/// - `maxpool`: `c`, `pe`, `k`, `s`, `h`/`wd`, `a`/`ak`.
/// - `label_select`: `c` labels, `pe`, `a`/`ak`, `k` labels out.
/// - `fifo`: `width`, `depth`; `dwc`: `in`, `out` (word bits).
public struct CharacterizationPoint: Hashable, Sendable, Codable {
  /// The RTL module a point configures.
  public enum Module: String, Codable, Sendable, CaseIterable, Comparable {
    case mvau, thresholding, swu, maxpool, labelSelect = "label_select", fifo, dwc

    public static func < (a: Module, b: Module) -> Bool { a.rawValue < b.rawValue }
  }

  public var module: Module
  public var parameters: [String: Int]

  public init(_ module: Module, _ parameters: [String: Int]) {
    self.module = module
    self.parameters = parameters
  }

  /// The values each parameter may take in a key read from a file: the
  /// grid's ranges with room to grow, so a dataset row cannot ask for a
  /// negative size or a layer too large to build.
  static let parameterRanges: [String: ClosedRange<Int>] = [
    "mw": 1...4096, "mh": 1...4096, "pe": 1...4096, "simd": 1...4096, "a": 1...16, "ak": 0...3, "w": 1...16, "wk": 0...3,
    "t": 0...255, "seed": 0...Int.max, "c": 1...4096, "shared": 0...1, "k": 1...16, "s": 1...16, "p": 0...16,
    "h": 1...1024, "wd": 1...1024, "width": 1...4096, "depth": 2...65_536, "in": 1...4096, "out": 1...4096,
  ]

  /// The point a ``key`` names (nil when it names none, or a parameter is
  /// unknown or outside ``parameterRanges``).
  public init?(key: String) {
    let words = key.split(separator: " ")
    guard let first = words.first, let module = Module(rawValue: String(first)) else { return nil }
    var parameters: [String: Int] = [:]
    for word in words.dropFirst() {
      let pair = word.split(separator: "=")
      guard pair.count == 2, let value = Int(pair[1]), Self.parameterRanges[String(pair[0])]?.contains(value) == true else { return nil }
      parameters[String(pair[0])] = value
    }
    self.init(module, parameters)
  }

  /// A parameter's value (0 when absent).
  public subscript(_ name: String) -> Int { parameters[name] ?? 0 }

  /// The point as one line, parameters sorted by name: `mvau a=2 ak=0 mh=16 …`
  /// (the cache key and the dataset's identity of a point).
  public var key: String {
    ([module.rawValue] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
  }

  /// The datatype of `bits` bits of `kind` (0 unsigned, 1 signed, 2 bipolar, 3 ternary).
  public static func dataType(bits: Int, kind: Int) -> DataType {
    switch kind {
    case 1: return .int(max(bits, 2))
    case 2: return .bipolar
    case 3: return .ternary
    default: return bits <= 1 ? .binary : .uint(bits)
    }
  }

  /// The one-layer pipeline of a layer module, folded as the point says (nil for a FIFO or width converter).
  public func pipeline() throws(FinchCostError) -> DataflowPipeline? {
    guard let (graph, folding) = try layerGraph() else { return nil }
    let layers = try HardwareLayer.layers(of: graph)
    return try DataflowPipeline(layers: layers, folding: try NetworkFolding(layers, [folding]))
  }

  /// The resource model's terms of this point on `family`.
  public func terms(on family: DeviceFamily) throws(FinchCostError) -> ResourceTerms {
    switch module {
    case .fifo: return StreamGlue.fifoTerms(width: self["width"], depth: self["depth"], on: family)
    case .dwc: return StreamGlue.dwcTerms(inputBits: self["in"], outputBits: self["out"])
    default:
      guard let p = try pipeline() else { return ResourceTerms(module) }
      return ResourceModel.terms(p.layers[0], p.folding.foldings[0], on: family)
    }
  }

  /// The one-node graph of a layer module and its folding.
  private func layerGraph() throws(FinchCostError) -> (Graph, LayerFolding)? {
    var rng = SplitMix64(seed: UInt64(self["seed"]))
    let input = Self.dataType(bits: self["a"], kind: self["ak"])
    var initializers: [String: Tensor] = [:]
    var types: [String: ValueType] = [:]
    let op: Op, inShape: Shape, folding: LayerFolding
    var inputs = ["x"]
    switch module {
    case .mvau:
      let (mw, mh) = (self["mw"], self["mh"])
      let weightType = Self.dataType(bits: self["w"], kind: self["wk"])
      let xnor = input == .bipolar && weightType == .bipolar
      let weights = (0..<(mw * mh)).map { _ in Float(Self.draw(weightType, &rng)) }
      initializers["W"] = Tensor(shape: [mw, mh], floats: weights)
      types["W"] = ValueType(shape: [mw, mh], dataType: weightType)
      inputs.append("W")
      var outType: DataType?
      if self["t"] > 0, let range = dotProductRange(input: input, weights: weights, fanIn: mw, outputs: mh, columnMajor: false) {
        outType = self["t"] == 1 ? .binary : .uint(bits(0, Double(self["t"])))
        initializers["T"] = Self.thresholds(channels: mh, count: self["t"], in: range.min...range.max, &rng)
        inputs.append("T")
      }
      op = .mvau(MVAU(xnor: xnor, outType: outType))
      inShape = [1, mw]
      folding = LayerFolding(pe: self["pe"], simd: self["simd"])
    case .thresholding:
      let c = self["c"], rows = self["shared"] == 1 ? 1 : c
      initializers["T"] = Self.thresholds(channels: rows, count: self["t"], in: input.min...input.max, &rng)
      inputs.append("T")
      op = .thresholding(MultiThreshold(outType: self["t"] == 1 ? .binary : .uint(bits(0, Double(self["t"]))), channelsLast: true))
      inShape = [1, c]
      folding = LayerFolding(pe: self["pe"])
    case .swu:
      let p = self["p"]
      op = .swu(SWU(kernel: [self["k"], self["k"]], strides: [self["s"], self["s"]], pads: [p, p, p, p], dilations: [1, 1]))
      inShape = [1, self["h"], self["wd"], self["c"]]
      folding = LayerFolding(simd: self["simd"])
    case .maxpool:
      op = .streamingMaxPool(kernel: [self["k"], self["k"]], strides: [self["s"], self["s"]])
      inShape = [1, self["h"], self["wd"], self["c"]]
      folding = LayerFolding(pe: self["pe"])
    case .labelSelect:
      op = .labelSelect(k: self["k"])
      inShape = [1, self["c"]]
      folding = LayerFolding(pe: self["pe"])
    case .fifo, .dwc:
      return nil
    }
    types["x"] = ValueType(shape: inShape, dataType: input)
    var graph = Graph(
      name: key, inputs: ["x"], outputs: ["y"], nodes: [Node(name: module.rawValue, op: op, inputs: inputs, outputs: ["y"])],
      initializers: initializers, types: types)
    do { try graph.inferTypes() } catch { throw .invalidLayer(layer: key, reason: "\(error)") }
    return (graph, folding)
  }

  /// A uniformly drawn value of `type`.
  private static func draw(_ type: DataType, _ rng: inout SplitMix64) -> Int {
    if type == .bipolar { return rng.chance(0.5) ? 1 : -1 }
    return rng.int(Int(type.min)...Int(type.max))
  }

  /// `channels` rows of `count` ascending integer thresholds drawn in `range`.
  private static func thresholds(channels: Int, count: Int, in range: ClosedRange<Double>, _ rng: inout SplitMix64) -> Tensor {
    let (lo, hi) = (Int(range.lowerBound), Int(range.upperBound))
    let values = (0..<channels).flatMap { _ in (0..<count).map { _ in rng.int(lo...hi) }.sorted().map(Float.init) }
    return Tensor(shape: [channels, count], floats: values)
  }
}
