/// How much a layer is unrolled: PE output lanes and SIMD input lanes.
public struct LayerFolding: Sendable, Codable, Equatable, Hashable {
  public var pe: Int
  public var simd: Int
  public init(pe: Int = 1, simd: Int = 1) {
    self.pe = pe
    self.simd = simd
  }
}

/// A folding for a whole network, by layer name, in the JSON format
/// `{"layers": [{"name": ..., "pe": ..., "simd": ...}]}`.
public struct FoldingConfig: Sendable, Codable, Equatable {
  public struct Entry: Sendable, Codable, Equatable {
    public var name: String
    public var pe: Int?
    public var simd: Int?
    public init(name: String, pe: Int?, simd: Int?) {
      self.name = name
      self.pe = pe
      self.simd = simd
    }
  }
  public var layers: [Entry]
  public init(layers: [Entry]) { self.layers = layers }


  /// Checks every entry names a layer, once, and respects its divisibility
  /// rules; returns the pinned foldings by layer index (PE or SIMD left out stay free).
  public func pinned(in layers: [HardwareLayer]) throws(FinchCostError) -> [Int: Entry] {
    var result: [Int: Entry] = [:]
    for entry in self.layers {
      guard let i = layers.firstIndex(where: { $0.name == entry.name }) else {
        throw .unknownLayer(entry.name, known: layers.map(\.name))
      }
      let l = layers[i]
      guard result[i] == nil else { throw .invalidFolding(layer: l.name, reason: "listed more than once") }
      if let pe = entry.pe, !l.peChoices.contains(pe) {
        throw .invalidFolding(layer: l.name, reason: "PE \(pe) is not one of \(l.peChoices)")
      }
      if let simd = entry.simd, !l.simdChoices.contains(simd) {
        throw .invalidFolding(layer: l.name, reason: "SIMD \(simd) is not one of \(l.simdChoices)")
      }
      result[i] = entry
    }
    return result
  }

  /// The folding of every layer: each must have an entry, with PE and SIMD
  /// given wherever the layer has more than one choice.
  public func complete(in layers: [HardwareLayer]) throws(FinchCostError) -> NetworkFolding {
    let pinned = try pinned(in: layers)
    let foldings = try layers.indices.map { (i: Int) throws(FinchCostError) -> LayerFolding in
      let l = layers[i]
      guard let entry = pinned[i] else { throw .invalidFolding(layer: l.name, reason: "missing from the folding") }
      func value(_ given: Int?, _ choices: [Int], _ what: String) throws(FinchCostError) -> Int {
        if let given { return given }
        guard choices == [1] else { throw .invalidFolding(layer: l.name, reason: "no \(what) given (one of \(choices))") }
        return 1
      }
      return LayerFolding(pe: try value(entry.pe, l.peChoices, "PE"), simd: try value(entry.simd, l.simdChoices, "SIMD"))
    }
    return try NetworkFolding(layers, foldings)
  }
}
