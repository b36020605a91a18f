import FinchCost
import FinchIR
import FinchONNX
import FinchOffload
import FinchRTL
import FinchReport
import Foundation

/// The HTML report of a folder Finch wrote (`finch report`, and `report.html`
/// that `build`, `synth` and `explore -o` leave in theirs): an exploration
/// (`explore.json`) or a build (`estimates.json` or `offload_estimate.json`,
/// with `synth/report.json` once synthesized, `summary.json`'s host work and
/// the compiled graph's roofline on the build's board).
public enum FolderReport {
  /// The report's file name inside the folder.
  public static let fileName = "report.html"

  /// The page of the folder `dir`.
  public static func html(of dir: URL) throws -> String {
    func file(_ name: String) -> URL { dir.appendingPathComponent(name) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }
    func read<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
      do { return try JSONDecoder().decode(T.self, from: Data(contentsOf: file(name))) } catch {
        throw FolderReportError.unreadable(file(name).path, "\(error)")
      }
    }
    if exists("explore.json") { return ExplorationPage.html(try read(Exploration.self, "explore.json")) }
    let synthesisFile = "\(BuildFolder.synth)/report.json"
    let synthesis = exists(synthesisFile) ? try read(SynthesisReport.self, synthesisFile) : nil
    let summary = exists(BuildFolder.summary) ? try read(CompileSummary.self, BuildFolder.summary) : nil
    let model = summary.map { URL(fileURLWithPath: $0.model).lastPathComponent } ?? dir.lastPathComponent
    if exists(BuildFolder.estimate) {
      let estimate = try read(Estimate.self, BuildFolder.estimate)
      let context = BuildPage.Context(
        title: "Finch build: \(model) on \(estimate.board)", synthesis: synthesis, summary: summary,
        roofline: roofline(dir, board: estimate.board, clockMHz: estimate.clockMHz))
      return BuildPage.dataflow(estimate, context)
    }
    if exists(BuildFolder.offloadEstimate) {
      let report = try read(OffloadDesign.Report.self, BuildFolder.offloadEstimate)
      let context = BuildPage.Context(
        title: "Finch offload build: \(model) on \(report.board)", synthesis: synthesis, summary: summary,
        roofline: roofline(dir, board: report.board, clockMHz: report.estimate.clockMHz))
      return BuildPage.offload(report, context)
    }
    throw FolderReportError.notAFinchFolder(dir.path)
  }

  /// Writes the folder's page as `report.html` in it, whole or not at all.
  @discardableResult
  public static func write(in dir: URL) throws -> URL {
    let target = dir.appendingPathComponent(fileName)
    try OutputFile.write(Data(try html(of: dir).utf8), to: target.path, what: "report")
    return target
  }

  /// The roofline of the compiled graph on `board` (nil where the folder has no graph or the board is a bare part).
  static func roofline(_ dir: URL, board name: String, clockMHz: Double) -> String? {
    let graph = dir.appendingPathComponent(BuildFolder.compiledGraph).path
    guard let catalogue = try? DeviceCatalogue.bundled(), let board = try? catalogue.board(named: name), let part = try? catalogue.part(of: board),
      let network = try? ONNXImporter.load(path: graph),
      let roofline = try? Roofline(board: board, part: part, clockMHz: clockMHz, networks: [RooflineNetwork(name: "this design", graph: network)])
    else { return nil }
    return RooflineChart(roofline).svg
  }
}

/// A folder `finch report` cannot render.
public enum FolderReportError: Error, CustomStringConvertible {
  case notAFinchFolder(String)
  case unreadable(String, String)

  public var description: String {
    switch self {
    case .notAFinchFolder(let dir):
      return "\(dir): neither a build folder (estimates.json or offload_estimate.json) nor an exploration (explore.json)"
    case .unreadable(let file, let why): return "\(file): cannot be read: \(why)"
    }
  }
}
