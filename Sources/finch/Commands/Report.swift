import ArgumentParser
import FinchDriver
import FinchIR
import Foundation

/// `finch report`: the HTML page of a build or an exploration.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the HTML report of a build or exploration folder.",
    discussion: """
      One self-contained HTML file (inline CSS and SVG, no script, nothing fetched) that a person \
      opens in a browser. A build folder: the layers with their folding, cycles and resources (the \
      bottleneck highlighted; estimate beside synthesis once `finch synth` has run), cycles and \
      resources as bar charts, utilization of the part, the power breakdown, the roofline and the \
      host work around the accelerator; an offload build: the engine's units and calls and the CPU \
      layers. An exploration folder (`finch explore -o`): one Pareto chart per front (hover a point \
      for its details) and every point. `finch build`, `finch synth` and `finch explore -o` write it \
      as DIR/report.html themselves; this command writes it again, or elsewhere with -o.

      Examples:
        finch report out/cnv                      # out/cnv/report.html
        finch report out/dse -o dse.html
      """)

  @Argument(help: "A folder `finch build` or `finch explore -o` wrote.")
  var folder: String

  @Option(name: .shortAndLong, help: "Write the page here (default: FOLDER/report.html).")
  var output: String?

  func run() throws {
    try Finch.reportingErrors {
      let written = ["build", "explore"].contains { (try? OutputFolder.requireWritten(by: $0, folder)) != nil }
      guard written else { throw FolderReportError.notAFinchFolder(folder) }
      let dir = URL(fileURLWithPath: folder)
      let html = Data(try FolderReport.html(of: dir).utf8)
      let target = output ?? dir.appendingPathComponent(FolderReport.fileName).path
      try OutputFile.write(html, to: target, what: "report")
      print("wrote \(target) (\(html.count) bytes)")
    }
  }
}
