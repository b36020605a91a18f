import Foundation

/// Runs external tools (Verilator, Icarus, Yosys, nextpnr) and captures their output.
enum Command {
  /// The result of one run.
  struct Output {
    var status: Int32
    var log: String
    var seconds: Double
  }

  /// Whether `tool` is on the PATH.
  static func exists(_ tool: String) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
  }

  /// Fails with the install command when `tool` is missing.
  static func require(_ tool: String, package: String) throws(RTLError) {
    guard exists(tool) else { throw .missingTool(tool, install: "apt-get install -y \(package) (or: bash scripts/setup.sh)") }
  }

  /// Runs `tool` with `arguments` in `directory`, merging stdout and stderr into the log.
  static func run(_ tool: String, _ arguments: [String], in directory: URL, logTo logFile: URL? = nil) throws(RTLError) -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let start = Date()
    do { try process.run() } catch { throw .toolFailed(tool: tool, status: -1, log: "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let log = String(decoding: data, as: UTF8.self)
    if let logFile { try? data.write(to: logFile) }
    return Output(status: process.terminationStatus, log: log, seconds: Date().timeIntervalSince(start))
  }

  /// Runs `tool` and fails unless it exits 0.
  @discardableResult
  static func check(_ tool: String, _ arguments: [String], in directory: URL, logTo logFile: URL? = nil) throws(RTLError) -> Output {
    let out = try run(tool, arguments, in: directory, logTo: logFile)
    guard out.status == 0 else { throw .toolFailed(tool: tool, status: out.status, log: out.log) }
    return out
  }
}
