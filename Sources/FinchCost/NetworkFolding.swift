/// The folding of every hardware layer of a network, in stream order.
///
/// It exists only after checks against the layer list: one entry per layer,
/// each PE and SIMD one of the layer's choices. Estimators, emitters and
/// reports read it; none of them guesses a default for a missing layer.
public struct NetworkFolding: Sendable, Equatable {
  /// The layers' names, in stream order.
  public let names: [String]
  /// The foldings, in the same order.
  public let foldings: [LayerFolding]

  /// Checks `foldings` (one per layer, in order) against `layers`.
  public init(_ layers: [HardwareLayer], _ foldings: [LayerFolding]) throws(FinchCostError) {
    guard layers.count == foldings.count else {
      throw .invalidTarget("a folding of \(foldings.count) layers for a network of \(layers.count)")
    }
    for (l, f) in zip(layers, foldings) {
      guard l.peChoices.contains(f.pe) else { throw .invalidFolding(layer: l.name, reason: "PE \(f.pe) is not one of \(l.peChoices)") }
      guard l.simdChoices.contains(f.simd) else {
        throw .invalidFolding(layer: l.name, reason: "SIMD \(f.simd) is not one of \(l.simdChoices)")
      }
    }
    names = layers.map(\.name)
    self.foldings = foldings
  }

  /// The folding of the layer named `name`, if the network has it.
  public subscript(name: String) -> LayerFolding? {
    names.firstIndex(of: name).map { foldings[$0] }
  }

  /// The file form of this folding.
  public var config: FoldingConfig {
    FoldingConfig(layers: zip(names, foldings).map { FoldingConfig.Entry(name: $0, pe: $1.pe, simd: $1.simd) })
  }
}
