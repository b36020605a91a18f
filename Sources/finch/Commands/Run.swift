import ArgumentParser
import FinchIR
import FinchONNX
import FinchReport
import FinchDriver
import FinchOffload
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
      reference. Their outputs are bit-identical, except that values computed in float after \
      the last quantized layer (a detector's linear output layer) may differ from the imported \
      graph's in the last bits: the CPU backend computes them from the compiled graph's integers.

      --backend hetero runs it as it would run on --board with an offload engine (Docs/offload.md): \
      the engine's layers on the engine's reference model (bit-exact with its Verilog), the others \
      on the CPU backend (the outputs are the CPU backend's, bit for bit), and prints where each frame's time goes: CPU steps measured on this \
      machine (one thread), engine steps from the cost model at the board's clock (or --clock), \
      frames/s with the steps one after another and with CPU and engine overlapping frames. \
      --placement LAYER=cpu|accelerator|auto (repeatable) places hardware layers (a convolution by \
      its MVAU's name); auto, the default, puts on the engine every layer it can run.

      Examples:
        finch run model.onnx -i inputs.npy --labels labels.npy
        finch run yolo.cfg -i frame.npy -o heads.npy --backend hetero --board ultra96
        finch run yolo.cfg -i frame.npy --backend hetero --board ultra96 --placement conv_12=cpu --json
      """)

  /// Where `finch run` runs a model.
  enum Backend: String, ExpressibleByArgument, CaseIterable {
    case cpu, interpreter, hetero
  }

  @Argument(help: "The model (.onnx, or a Darknet .cfg with its .weights).")
  var model: String

  @OptionGroup var darknet: WeightsOption

  @Option(name: .shortAndLong, help: "Input tensor (.npy, float32 or integer).")
  var input: String

  @Option(name: .shortAndLong, help: "Write the model's first output, samples stacked, to this .npy file (- for standard output).")
  var output: String?

  @Option(help: "True labels (.npy, integers) to report accuracy against.")
  var labels: String?

  @Option(help: "Where to run: cpu, interpreter or hetero (CPU backend and offload engine, with --board).")
  var backend: Backend = .cpu

  @Option(help: "The board of a hetero run (see `finch devices`).")
  var board: String?

  @Option(help: "Clock in MHz of a hetero run's engine, 1...2000 (default: the board's).")
  var clock: Double?

  @Option(help: "An offload engine configuration (JSON) for a hetero run, instead of one sized for the board.")
  var engine: String?

  @Option(help: "LAYER=cpu|accelerator|auto: where a hardware layer of a hetero run goes (repeatable).")
  var placement: [String] = []

  @Option(help: "Worker threads, at most four per core (default: all cores).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "Print {model, backend, samples, predictions, accuracy, output} as one JSON object (not with -o -).")
  var json = false

  func validate() throws {
    try Finch.validateThreads(threads)
    if json && output == OutputFile.standardOutput { throw ValidationError("--json and -o - both want standard output; give -o FILE") }
    if backend == .hetero {
      guard board != nil else { throw ValidationError("--backend hetero runs as on a board: give --board (see finch devices)") }
      if let clock, !(1...2000).contains(clock) { throw ValidationError("--clock must be in 1...2000 MHz, not \(clock)") }
    } else if board != nil || clock != nil || engine != nil || !placement.isEmpty {
      throw ValidationError("--board, --clock, --engine and --placement belong to --backend hetero")
    }
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
    /// Where a hetero run's time went.
    var timeSplit: HeterogeneousSession.TimeSplit?

    enum CodingKeys: String, CodingKey {
      case model, backend, samples, predictions, accuracy, output
      case timeSplit = "time_split"
    }
  }

  func run() throws {
    try Finch.reportingErrors {
      let inputs = ModelFile.files(model, weights: darknet.weights) + [input] + (labels.map { [$0] } ?? [])
      if let output { try OutputFile.check(output, inputs: inputs, allowStandardOutput: true) }
      let x = try NPY.read(path: input)
      let y: Tensor
      var split: HeterogeneousSession.TimeSplit?
      if backend == .hetero, let board {
        Finch.progress("compiling \(model) and scheduling it on an offload engine for \(board)")
        let session = try HeterogeneousSession(
          model: model, weights: darknet.weights, board: board, clockMHz: clock, engine: try engine.map { try EngineConfiguration.load(path: $0) },
          engineFile: engine, placement: try Placement.assignments(placement))
        do {
          let result = try session.run(x)
          (y, split) = (result.outputs[0], result.time)
        } catch { throw RunError.failed(input, "\(error)") }
      } else {
        // Plans hold activations for a whole batch: no more samples than the input has (a large model's batch of 64 can pass the memory limit).
        let samples = x.shape.rank >= 1 ? x.shape[0] : 1
        let session = try InferenceSession(
          model: model, weights: darknet.weights, backend: backend == .cpu ? .cpu : .interpreter, threads: threads,
          maxBatch: max(1, min(64, samples)))
        if let warning = session.warning { Finch.progress("warning: \(warning)") }
        do { y = try session.run(x) } catch { throw RunError.failed(input, "\(error)") }
      }
      var result = Result(model: model, backend: backend.rawValue, samples: y.shape.rank == 0 ? 1 : y.shape[0], timeSplit: split)
      if let output {
        try OutputFile.write(Data(NPY.encode(y)), to: output, inputs: inputs, allowStandardOutput: true)
        result.output = output
        if json { return try JSONReport.print(result) }
        if let split { Self.printSplit(split, toStandardError: output == OutputFile.standardOutput) }
        return
      }
      let predictions = Predictions.argmax(y)
      result.predictions = predictions
      if let labels {
        let truth = try NPY.read(path: labels)
        guard truth.count == predictions.count else {
          throw RunError.failed(labels, "has \(truth.count) labels for \(predictions.count) samples")
        }
        result.accuracy = Result.Accuracy(correct: Predictions.correct(predictions, truth), total: truth.count)
      }
      if json { return try JSONReport.print(result) }
      print(predictions.map(String.init).joined(separator: " "))
      if let a = result.accuracy {
        print("accuracy: \(a.correct)/\(a.total) = \(String(format: "%.1f", 100 * Double(a.correct) / Double(max(a.total, 1))))%")
      }
      if let split { Self.printSplit(split, toStandardError: false) }
    }
  }

  /// A hetero run's time split as a table.
  static func printSplit(_ split: HeterogeneousSession.TimeSplit, toStandardError: Bool) {
    var rows = [["step", "where", "from", "layers", "ms/frame"]]
    for (i, step) in split.steps.enumerated() {
      rows.append([
        "\(i)", step.placement.rawValue, step.source == .costModel ? "cost model at \(String(format: "%g", split.clockMHz)) MHz" : step.source.rawValue,
        step.layers.joined(separator: ", "), String(format: "%.3f", step.milliseconds),
      ])
    }
    let lines = TextTable.align(rows, leftColumns: 4).split(separator: "\n").map(String.init) + [
      String(
        format: "frame: engine %.3f ms + CPU %.3f ms + host %.3f ms: %.1f frames/s one step after another, %.1f with CPU and engine on different frames",
        split.acceleratorMilliseconds, split.cpuMilliseconds, split.hostMilliseconds, split.sequentialFPS, split.pipelinedFPS)
    ]
    for line in lines {
      if toStandardError { Finch.progress(line) } else { print(line) }
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
