import FinchCost
import FinchIR
import FinchRTL
import Foundation

/// Simulates a chain of placed layers on tensors, for tests.
public enum RTLHarness {
  /// The module instances of `graph`'s hardware layers folded as `foldings`
  /// (one per layer, in order), with the glue between them; `fifoDepth` words
  /// per FIFO when given (shallow FIFOs stress backpressure).
  public static func instances(_ graph: Graph, _ foldings: [LayerFolding], fifoDepth: Int? = nil) throws -> [ModuleInstance] {
    let layers = try HardwareLayer.layers(of: graph)
    let depth = fifoDepth.map { d in { @Sendable (_: HardwareLayer, _: LayerFolding) in d } }
    return try Design(graph: graph, folding: NetworkFolding(layers, foldings), fifoDepth: depth).instances
  }

  /// The module instance of a one-layer `graph` at `folding`.
  public static func instance(_ graph: Graph, _ folding: LayerFolding) throws -> ModuleInstance {
    try instances(graph, [folding])[0]
  }

  /// Streams `frames` (each the chain's input tensor) through `chain` and returns
  /// the output tensors of `outputShape`, with the cycle each frame's last word appeared.
  /// The design folder is deleted afterwards unless FINCH_KEEP_RTL is set.
  public static func run(
    _ chain: [ModuleInstance], frames: [Tensor], outputShape: Shape, simulator: Simulation.Simulator = .verilator,
    stall: Int = 0, directory: URL? = nil
  ) throws -> (outputs: [Tensor], frameEndCycles: [Int]) {
    let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("finch-rtl-\(UUID().uuidString)")
    let sources = try VerilogLibrary.writeDesign(chain, to: dir)
    var sim = Simulation(
      directory: dir, sources: sources, inputWidth: chain[0].input.wordBits,
      outputWidth: chain.last!.output.wordBits)
    sim.simulator = simulator
    sim.stall = stall
    let words = try frames.flatMap { frame throws -> [String] in try chain[0].input.words(frame) }
    let perFrame = chain.last!.outputWords
    let result = try sim.run(input: words, outputCount: perFrame * frames.count)
    let outputs = try frames.indices.map { f throws -> Tensor in
      try chain.last!.output.tensor(fromWords: Array(result.words[(f * perFrame)..<((f + 1) * perFrame)]), shape: outputShape)
    }
    if directory == nil && ProcessInfo.processInfo.environment["FINCH_KEEP_RTL"] == nil { try? FileManager.default.removeItem(at: dir) }
    return (outputs, frames.indices.map { result.cycles[($0 + 1) * perFrame - 1] })
  }
}
