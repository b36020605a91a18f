import FinchCost
import Foundation

/// A FINN-style build configuration (`finch build MODEL --config build.json`):
/// FINN's `DataflowBuildConfig` keys that Finch has a meaning for.
///
/// ```json
/// {"output_dir": "out", "board": "Pynq-Z1", "synth_clk_period_ns": 10.0, "target_fps": 5000,
///  "folding_config_file": "folding_config.json",
///  "generate_outputs": ["estimate_reports", "stitched_ip", "rtlsim_performance", "out_of_context_synth"]}
/// ```
///
/// `board` or `fpga_part` names the device (see `finch devices`); the clock is
/// `1000 / synth_clk_period_ns` MHz (default: the board's). Paths are relative
/// to the current folder, as in FINN. Any other key is an error naming it.
public struct BuildConfig: Sendable, Equatable {
  /// What a build produces beyond the build folder, as FINN names its outputs.
  public enum Output: String, Sendable, CaseIterable {
    /// estimates.json (always written).
    case estimateReports = "estimate_reports"
    /// rtl/ with the stitched design (always written).
    case stitchedIP = "stitched_ip"
    /// `finch simulate` on the build's reference inputs.
    case rtlsimPerformance = "rtlsim_performance"
    /// `finch synth` for the build's part.
    case outOfContextSynth = "out_of_context_synth"
    /// `finch synth`, which also places, routes and packs a bitstream for iCE40 parts.
    case bitfile
  }

  /// The build these keys ask for (the model comes from the command line).
  public var request: BuildRequest
  /// The outputs `generate_outputs` lists.
  public var outputs: [Output]

  /// The keys Finch reads.
  static let keys: Set<String> = [
    "output_dir", "board", "fpga_part", "synth_clk_period_ns", "target_fps", "folding_config_file", "generate_outputs",
  ]

  /// Reads the configuration at `path` for `model`.
  public init(path: String, model: String) throws(BuildConfigError) {
    func fail(_ reason: String) -> BuildConfigError { BuildConfigError(path: path, reason: reason) }
    guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
    guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
      throw fail("not a JSON object")
    }
    let unknown = json.keys.filter { !Self.keys.contains($0) }.sorted()
    guard unknown.isEmpty else {
      throw fail("unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); Finch reads \(Self.keys.sorted().joined(separator: ", "))")
    }
    let fields: Fields
    do { fields = try JSONDecoder().decode(Fields.self, from: data) } catch let DecodingError.typeMismatch(type, context) {
      throw fail("'\(context.codingPath.map(\.stringValue).joined(separator: "."))' must be \(type == String.self ? "a string" : type == Double.self ? "a number" : "a list of strings")")
    } catch {
      throw fail("not a build configuration (\(error))")
    }
    func string(_ key: String, _ value: String?) throws(BuildConfigError) -> String? {
      guard let value else { return nil }
      guard !value.isEmpty else { throw fail("'\(key)' must not be empty") }
      return value
    }
    func number(_ key: String, _ value: Double?) throws(BuildConfigError) -> Double? {
      guard let value else { return nil }
      guard value.isFinite, value > 0 else { throw fail("'\(key)' must be a positive number, not \(value)") }
      return value
    }
    guard let output = try string("output_dir", fields.outputDir) else { throw fail("'output_dir' is required") }
    let board = try string("board", fields.board), part = try string("fpga_part", fields.fpgaPart)
    if let board, let part, board != part { throw fail("give 'board' or 'fpga_part', not both ('\(board)' and '\(part)')") }
    guard let device = board ?? part else { throw fail("'board' or 'fpga_part' is required") }
    var clock: Double?
    if let period = try number("synth_clk_period_ns", fields.synthClockPeriodNs) {
      clock = 1000 / period
      guard TargetLimits.clockMHz.contains(clock!) else {
        throw fail("'synth_clk_period_ns' \(period) gives \(clock!) MHz, outside \(TargetLimits.clockMHz.lowerBound)...\(TargetLimits.clockMHz.upperBound)")
      }
    }
    let fps = try number("target_fps", fields.targetFPS)
    if let fps, !TargetLimits.fps.contains(fps) {
      throw fail("'target_fps' must be in \(TargetLimits.fps.lowerBound)...\(TargetLimits.fps.upperBound), not \(fps)")
    }
    let folding = try string("folding_config_file", fields.foldingConfigFile)
    guard fps != nil || folding != nil else { throw fail("give 'target_fps' or 'folding_config_file'") }
    var outputs: [Output] = [.estimateReports, .stitchedIP]
    if let names = fields.generateOutputs {
      outputs = []
      for name in names {
        guard let o = Output(rawValue: name) else {
          throw fail("'generate_outputs' lists '\(name)', which Finch does not produce; it produces \(Output.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !outputs.contains(o) { outputs.append(o) }
      }
    }
    request = BuildRequest(
      model: model, output: output, board: device, clockMHz: clock, target: fps.map { .framesPerSecond($0) } ?? .pinned,
      foldingFile: folding)
    self.outputs = outputs
  }
}

/// The keys as JSON holds them (FINN's spelling).
private struct Fields: Decodable {
  var outputDir: String?
  var board: String?
  var fpgaPart: String?
  var synthClockPeriodNs: Double?
  var targetFPS: Double?
  var foldingConfigFile: String?
  var generateOutputs: [String]?

  enum CodingKeys: String, CodingKey {
    case board
    case outputDir = "output_dir", fpgaPart = "fpga_part", synthClockPeriodNs = "synth_clk_period_ns", targetFPS = "target_fps"
    case foldingConfigFile = "folding_config_file", generateOutputs = "generate_outputs"
  }
}

/// Why a build configuration cannot be used.
public struct BuildConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "build configuration \(path): \(reason)" }
}
