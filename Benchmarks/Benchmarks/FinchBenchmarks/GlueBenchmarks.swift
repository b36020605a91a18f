// The stream glue of a dataflow design: FIFO sizing (the latency model's
// bound, and the minimal depths the handshake model searches) and the folding
// solver that prices the glue, on BNN-PYNQ's full-size CNV-W1A1 for pynq-z1
// at 3,000 frames/s (issue #15 asked for sizing well under a second).
import Benchmark
import FinchCost
import FinchIR
import FinchPasses
import FinchTestSupport

func glueBenchmarks() {
  guard let layers = try? fullSizeCNVLayers(),
    let choice = try? FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000)),
    let unsized = try? DataflowPipeline(layers: layers, folding: choice.folding, fifoDepth: StreamGlue.ruleFIFODepth)
  else {
    print("glue benchmarks: the full-size CNV did not compile; skipped")
    return
  }

  // The latency model's steady-state schedule and every FIFO's depth from it.
  Benchmark("fifo sizing cnv_full pynq-z1 3000 fps", configuration: configuration(maxIterations: 200)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(FIFOSizing.depths(of: unsized, latency: LatencyEstimate(unsized)))
    }
  }

  // One handshake-model run of three frames, and the search for the minimal depths.
  Benchmark("stream simulation cnv_full pynq-z1 3000 fps 3 frames", configuration: configuration(maxIterations: 20)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(StreamSimulation(choice.pipeline, frames: 3).run())
    }
  }
  Benchmark("minimal fifo depths cnv_full pynq-z1 3000 fps", configuration: configuration(maxIterations: 5)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(FIFOSizing.minimalDepths(of: unsized))
    }
  }

  // The folding solver (layers and glue) plus the pipeline with minimal FIFOs and its estimate.
  Benchmark("folding cnv_full pynq-z1 3000 fps", configuration: configuration(maxIterations: 50)) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try FoldingChoice(layers: layers, board: "pynq-z1", target: .framesPerSecond(3000)))
    }
  }
}

/// BNN-PYNQ's full-size CNV-W1A1 (seeded weights), compiled to hardware layers.
func fullSizeCNVLayers() throws -> [HardwareLayer] {
  var graph = try BNNPynqCNV.make()
  try Pipeline.compile.run(on: &graph)
  return try HardwareLayer.layers(of: graph)
}
