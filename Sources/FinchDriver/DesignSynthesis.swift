import FinchCost
import FinchOffload
import FinchRTL
import Foundation

/// Synthesis of a design as written (`rtl/`), beside the cost model's
/// estimate joined by name: what `finch synth` runs on a build folder and
/// `finch explore --synth` on each design point.
enum DesignSynthesis {
  /// A dataflow design, element by element against `estimate` (made for `part`), in `work`.
  static func dataflow(_ written: WrittenDesign, estimate: Estimate, part: Part, in work: URL) throws -> SynthesisReport {
    let manifest = written.manifest
    try? FileManager.default.removeItem(at: work)
    let sources = try written.copy(to: work)
    return try Synthesizer.run(
      directory: work, sources: sources, part: part, inputWidth: manifest.input.wordBits, outputWidth: manifest.output.wordBits,
      names: Dictionary(manifest.layers.map { ($0.instance, $0.name) }, uniquingKeysWith: { a, _ in a }),
      estimates: Dictionary(estimate.layers.map { ($0.name, $0.resources) }, uniquingKeysWith: { a, _ in a }), estimateTotals: estimate.totals)
  }

  /// An offload engine, unit by unit against ``EngineResources`` on `part`'s family, in `work`.
  static func offload(_ written: WrittenEngineDesign, part: Part, in work: URL) throws -> SynthesisReport {
    let engine = written.manifest.engine
    let units = EngineResources.estimate(engine, on: part.family)
    try? FileManager.default.removeItem(at: work)
    let sources = try written.copy(to: work)
    return try Synthesizer.run(
      directory: work, sources: sources, part: part, inputWidth: 0, outputWidth: 0, names: EngineDesign.units,
      estimates: Dictionary(units.map { ($0.name, $0.resources) }, uniquingKeysWith: { a, _ in a }),
      estimateTotals: units.reduce(Resources()) { $0 + $1.resources }, rows: EngineDesign.engineModule,
      pnrWrapper: EngineDesign(engine: engine).pinWrapper)
  }
}
