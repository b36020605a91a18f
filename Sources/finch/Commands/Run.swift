import ArgumentParser
import FinchIR
import FinchONNX
import FinchReport
import FinchDriver
import Foundation

/// `finch run`: executes a model on NumPy inputs.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a model on inputs from a .npy file.",
    discussion: """
      The first dimension of the input is the batch; it may exceed the model's batch of 1. \
      Without --output, prints the predicted class (argmax) of each sample; with --labels, \
      also the accuracy. The CPU backend (the default) compiles the model and runs it with \
      bit-packed and integer GEMM kernels; the interpreter runs the imported graph as the \
      reference. Both give bit-identical outputs.
      """)

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Option(name: .shortAndLong, help: "Input tensor (.npy, float32 or integer).")
  var input: String

  @Option(name: .shortAndLong, help: "Write the model's first output, samples stacked, to this .npy file (- for standard output).")
  var output: String?

  @Option(help: "True labels (.npy, integers) to report accuracy against.")
  var labels: String?

  @Option(help: "Where to run: \(InferenceBackend.allCases.map(\.rawValue).joined(separator: " or ")).")
  var backend: InferenceBackend = .cpu

  @Option(help: "Worker threads, at most four per core (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "Print {model, backend, samples, predictions, accuracy, output} as one JSON object (not with -o -).")
  var json = false

  func validate() throws {
    try Finch.validateThreads(threads)
    if json && output == OutputFile.standardOutput { throw ValidationError("--json and -o - both want standard output; give -o FILE") }
  }

  /// What `--json` prints.
  struct Result: Encodable {
    struct Accuracy: Encodable {
      var correct: Int
      var total: Int
    }
    var model: String
    var backend: String
    var samples: Int
    /// The argmax of each sample's output (without -o).
    var predictions: [Int]?
    var accuracy: Accuracy?
    /// Where the outputs were written (with -o).
    var output: String?
  }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = ModelFile.files(model, weights: darknet.weights) + [input] + (labels.map { [$0] } ?? [])
      if let output { try OutputFile.check(output, inputs: inputs, allowStandardOutput: true) }
      let session = try InferenceSession(model: model, weights: darknet.weights, backend: backend, threads: threads, maxBatch: 64)
      if let warning = session.warning { Finch.progress("warning: \(warning)") }
      let x = try NPY.read(path: input)
      let y: Tensor
      do { y = try session.run(x) } catch { throw RunError.failed(input, "\(error)") }
      var result = Result(model: model, backend: backend.rawValue, samples: y.shape.rank == 0 ? 1 : y.shape[0])
      if let output {
        try OutputFile.write(Data(NPY.encode(y)), to: output, inputs: inputs, allowStandardOutput: true)
        result.output = output
        if json { try JSONReport.print(result) }
        return
      }
      let predictions = Self.argmax(y)
      result.predictions = predictions
      if let labels {
        let truth = try NPY.read(path: labels)
        guard truth.count == predictions.count else {
          throw RunError.failed(labels, "has \(truth.count) labels for \(predictions.count) samples")
        }
        result.accuracy = Result.Accuracy(correct: zip(truth.floats, predictions).filter { $0 == Float($1) }.count, total: truth.count)
      }
      if json { return try JSONReport.print(result) }
      print(predictions.map(String.init).joined(separator: " "))
      if let a = result.accuracy {
        print("accuracy: \(a.correct)/\(a.total) = \(String(format: "%.1f", 100 * Double(a.correct) / Double(max(a.total, 1))))%")
      }
    }
  }

  /// The index of the largest value of each row of a `[N, ...]` tensor (first on ties).
  static func argmax(_ y: Tensor) -> [Int] {
    let n = y.shape.rank == 0 ? 1 : y.shape[0]
    let size = y.count / max(n, 1)
    let v = y.floats
    return (0..<n).map { i in
      var best = 0
      for j in 0..<size where v[i * size + j] > v[i * size + best] { best = j }
      return best
    }
  }
}

/// A problem with the files `finch run` was given.
enum RunError: Error, CustomStringConvertible {
  case failed(String, String)
  var description: String {
    switch self {
    case .failed(let file, let reason): return "\(file): \(reason)"
    }
  }
}
