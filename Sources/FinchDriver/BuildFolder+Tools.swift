import FinchCost
import FinchIR
import FinchReport
import FinchRTL
import Foundation

extension BuildFolder {
  /// Simulates the design as `build` wrote it on `samples` (raw model inputs,
  /// one frame each) in `sim/`, checking every output against the interpreter.
  public func simulate(samples: Tensor, simulator: Simulation.Simulator, stall: Int) throws -> AcceleratorCheck.Report {
    try require(.dataflow, for: "simulate")
    let written = try writtenDesign()
    let graph = try graph()
    let layers = try HardwareLayer.layers(of: graph)
    let folding = try folding(of: layers)
    let estimated = zip(layers, folding.foldings).map { CycleModel.cycles($0, $1) }.max() ?? 0
    return try AcceleratorCheck(graph: graph, written: written).run(
      samples: samples, directory: path(Self.sim), simulator: simulator, stall: stall, estimatedCyclesPerFrame: estimated)
  }

  /// Synthesizes the design as `build` wrote it for `device` (default: the
  /// one it was built for) in `synth/`, beside the cost model's estimate for
  /// that device, joined element by element by name; writes `synth/report.json`.
  public func synthesize(on device: Device? = nil, progress: (String) -> Void = { _ in }) throws -> SynthesisReport {
    try require(.dataflow, for: "synth")
    let built = try estimate()
    let device = try device ?? DeviceCatalogue.bundled().device(named: built.part)
    let graph = try graph()
    let layers = try HardwareLayer.layers(of: graph)
    let estimate = Estimate(
      device: device, clockMHz: built.clockMHz, pipeline: try DataflowPipeline(layers: layers, folding: try folding(of: layers)), targetFPS: nil)
    let written = try writtenDesign()
    let manifest = written.manifest
    let work = path(Self.synth)
    try? FileManager.default.removeItem(at: work)
    let sources = try written.copy(to: work)
    progress("synthesizing for \(device.part.name) (\(device.part.family.rawValue)); this takes a while")
    let report = try Synthesizer.run(
      directory: work, sources: sources, part: device.part, inputWidth: manifest.input.wordBits, outputWidth: manifest.output.wordBits,
      names: Dictionary(manifest.layers.map { ($0.instance, $0.name) }, uniquingKeysWith: { a, _ in a }),
      estimates: Dictionary(estimate.layers.map { ($0.name, $0.resources) }, uniquingKeysWith: { a, _ in a }),
      estimateTotals: estimate.totals)
    try JSONReport.encode(report).write(to: work.appendingPathComponent("report.json"))
    return report
  }
}
