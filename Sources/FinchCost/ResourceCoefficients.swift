import Foundation

/// The resource model's fitted coefficients: for each device family and
/// module, the weight of each LUT and flip-flop term of ``ResourceTerms``.
/// Stored as data (`Resources/resource-model.json`), written by
/// `finch characterize fit` from the committed characterization datasets.
public struct ResourceCoefficients: Codable, Sendable, Equatable {
  /// One module's weights.
  public struct Module: Codable, Sendable, Equatable {
    public var lut: [String: Double]
    public var ff: [String: Double]
    public init(lut: [String: Double], ff: [String: Double]) { (self.lut, self.ff) = (lut, ff) }
  }

  /// Family (`xc7`, …) to module (`mvau`, …) to weights.
  public var families: [String: [String: Module]]
  /// Where the coefficients came from (datasets and tool), for people reading the file.
  public var source: String

  public init(families: [String: [String: Module]], source: String) { (self.families, self.source) = (families, source) }

  /// The coefficients bundled with Finch.
  public static let bundled: ResourceCoefficients = {
    guard let url = Bundle.module.url(forResource: "resource-model", withExtension: "json"),
      let data = FileManager.default.contents(atPath: url.path),
      let coefficients = try? JSONDecoder().decode(ResourceCoefficients.self, from: data)
    else { fatalError("resource-model.json is missing from the FinchCost resource bundle or malformed") }
    return coefficients
  }()

  /// The resources `terms` stand for on `family`: the fixed counts plus each
  /// weighted sum rounded up (never below zero).
  public func resources(_ terms: ResourceTerms, on family: DeviceFamily) -> Resources {
    let weights = families[family.rawValue]?[terms.module.rawValue] ?? Module(lut: [:], ff: [:])
    func sum(_ values: [String: Double], _ w: [String: Double]) -> Int {
      let total = values.reduce(0.0) { $0 + $1.value * (w[$1.key] ?? 0) }
      return total > 0 ? Int(total.rounded(.up)) : 0
    }
    var r = terms.fixed
    r.lut += sum(terms.lut, weights.lut)
    r.ff += sum(terms.ff, weights.ff)
    return r
  }

  /// The file as written: sorted keys, indented.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return try encoder.encode(self)
  }
}
