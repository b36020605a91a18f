import ArgumentParser
import FinchIR
import Foundation

/// The `finch` command: a compiler for quantized neural networks.
@main
struct Finch: ParsableCommand {
  static let version = FinchVersion.current

  static let configuration = CommandConfiguration(
    commandName: "finch",
    abstract: "A compiler for quantized neural networks (QONNX, ONNX QDQ).",
    discussion: """
      Reads a trained QNN (QONNX, FINN-ONNX, ONNX QDQ), runs it bit-exactly, streamlines it \
      into integer hardware layers, folds it for a board, and writes, simulates and synthesizes \
      the dataflow accelerator.
      Exit status: 0 on success, 1 on any error, 64 on a usage mistake.
      """,
    version: version,
    subcommands: [Inspect.self, Run.self, Compile.self, Estimate.self, Build.self, Explore.self, Report.self, Simulate.self, Synth.self, Devices.self, Characterize.self, RooflineCommand.self, Export.self, Bench.self, Detect.self]
  )

  /// The most worker threads a command accepts: four per core.
  static var maxThreads: Int { 4 * max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// Checks a `--threads` value against ``maxThreads``.
  static func validateThreads(_ threads: Int) throws {
    guard (1...maxThreads).contains(threads) else {
      throw ValidationError("--threads must be in 1...\(maxThreads) (four per core), not \(threads)")
    }
  }

  /// Prints a status line: on standard output, or on standard error when
  /// standard output carries data.
  static func status(_ line: String, toStandardError: Bool) {
    if toStandardError { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
  }

  /// Reports progress of long work on stderr (stdout is for results).
  static func progress(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

  /// Runs a subcommand body, printing library errors as one `error:` line and exiting 1.
  static func reportingErrors(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as ExitCode {
      throw error
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}
