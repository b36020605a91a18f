import ArgumentParser
import FinchCost
import FinchDriver
import FinchIR
import FinchRTL
import FinchReport
import Foundation

/// `finch synth`: synthesize a built accelerator or offload engine with Yosys (and place and route iCE40 parts).
struct Synth: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Synthesize a `finch build` folder with Yosys and compare with the cost model.",
    discussion: """
      Synthesizes DIR/rtl exactly as `finch build` wrote it (refused if a file was edited or is missing). \
      Xilinx parts: synth_xilinx (-family xc7, or xcup with -abc9). iCE40 parts: synth_ice40, \
      nextpnr-ice40 (Fmax) and icepack (bitstream). Writes DIR/synth/report.json and prints LUT/FF/ \
      CARRY/DSP/BRAM per layer and in total beside the estimate, with the error in %.

      An offload build synthesizes its engine (finch_top around finch_offload_engine with the build's \
      parameters) and reports each unit inside it (weight, threshold, window and pool buffers, the MAC \
      array as compute, the engine's own logic as control, the rest by instance) beside the engine's \
      resource estimate (Docs/offload.md §7, §13). A large engine takes many minutes.

      Examples:
        finch synth build
        finch synth build --part xczu3eg --json
        finch synth offload-build
      """)

  @Argument(help: "A `finch build` output folder.")
  var folder: String

  @Option(help: "Part or board (default: the one the folder was built for).")
  var part: String?

  @Flag(help: "Print the report as one JSON object.")
  var json = false

  func run() throws {
    try Finch.reportingErrors {
      let device = try part.map { try DeviceCatalogue.bundled().device(named: $0) }
      let report = try BuildFolder(folder).synthesize(on: device, progress: Finch.progress)
      if json { try JSONReport.print(report) } else { print(TextReport.synthesis(report)) }
    }
  }
}
