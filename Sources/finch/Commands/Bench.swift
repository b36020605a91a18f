import ArgumentParser
import FinchDriver
import FinchIR
import FinchReport
import Foundation

/// `finch bench`: measures inference speed on a backend.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure a model's inference speed: frames/s, latency percentiles and GOPS.",
    discussion: """
      Runs batches of random inputs (integers over the input's type) back to back for \
      --seconds after a short warm-up, timing every batch. Latency is per batch. GOPS counts \
      2 operations per multiply-accumulate of the compiled network's matrix layers. \
      Compare backends and thread counts on a quiet machine.
      """)

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Option(help: "Where to run: \(InferenceBackend.allCases.map(\.rawValue).joined(separator: " or ")).")
  var backend: InferenceBackend = .cpu

  @Option(help: "Samples per batch.")
  var batch = 1

  @Option(help: "Worker threads, at most four per core (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "How long to measure, in seconds.")
  var seconds = 3.0

  @Flag(help: "Also time every layer of the CPU plan (one thread, the same batch) and print the slowest first.")
  var layers = false

  @Flag(help: "Print {backend, batch, threads, frames_per_second, latency_ms_p50, latency_ms_p99, gops} as JSON.")
  var json = false

  func validate() throws {
    guard batch >= 1, batch <= 1 << 16 else { throw ValidationError("--batch must be in 1...65536") }
    try Finch.validateThreads(threads)
    guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
  }

  func run() throws {
    try Finch.reportingErrors {
      let session = try InferenceSession(model: model, weights: darknet.weights, backend: backend, threads: threads, maxBatch: batch)
      if let warning = session.warning { Finch.progress("warning: \(warning)") }
      let result = try session.benchmark(batch: batch, seconds: seconds, layers: layers) {
        if !json { Finch.progress("bench: \(model) on \(backend.rawValue), batch \(batch), \(threads) threads, \(seconds) s") }
      }
      if json {
        try JSONReport.print(result)
      } else {
        print(TextReport.bench(result))
      }
    }
  }
}
