import Foundation

/// Runs the built `finch` executable as a user would, capturing its output.
public enum FinchCLI {
  /// What one invocation printed and returned.
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    /// Standard output as bytes, for binary outputs (`-o -`).
    public var stdoutBytes: Data
    public var stderr: String
  }

  /// The `finch` binary next to the test bundle in the build folder.
  public static var executable: URL {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = here.deletingLastPathComponent()
    while dir.path != "/" {
      let candidate = dir.appendingPathComponent("finch")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return here.deletingLastPathComponent().appendingPathComponent("finch")
  }

  /// Runs `finch` with `arguments` (and `environment` added to this process's,
  /// in `currentDirectory` if given) and waits for it to exit.
  public static func run(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stdoutBytes: outData,
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
