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
    /// The signal that ended it, if one did.
    public var signal: Int32? = nil
    /// Whether ``FinchCLI/run(_:environment:currentDirectory:timeout:memoryLimit:)`` killed it for running too long.
    public var timedOut = false
    /// Whether it died asking for memory beyond the `memoryLimit` it ran under.
    public var memoryLimitHit = false
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

  /// Runs `finch` like ``run(_:environment:currentDirectory:)``, killing it after
  /// `timeout` seconds, and with its address space limited to `memoryLimit`
  /// bytes (`ulimit -v`) if given. The result says whether either limit ended it.
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil, timeout: TimeInterval,
    memoryLimit: Int? = nil
  ) throws -> Result {
    let process = Process()
    if let memoryLimit {
      // The shell sets the limit, then becomes finch (exec), so the pid is finch's.
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "ulimit -v \(max(1, memoryLimit / 1024)) && exec \"$0\" \"$@\"", executable.path] + arguments
    } else {
      process.executableURL = executable
      process.arguments = arguments
    }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let outData = Captured(), errData = Captured()
    let outHandle = out.fileHandleForReading, errHandle = err.fileHandleForReading
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) { outData.set(outHandle.readDataToEndOfFile()) }
    DispatchQueue.global().async(group: readers) { errData.set(errHandle.readDataToEndOfFile()) }
    var timedOut = false
    if exited.wait(timeout: .now() + timeout) == .timedOut {
      timedOut = true
      kill(process.processIdentifier, SIGKILL)
      exited.wait()
    }
    readers.wait()
    process.waitUntilExit()
    let signaled = process.terminationReason == .uncaughtSignal
    let stderr = String(decoding: errData.get(), as: UTF8.self)
    let outOfMemory = ["Could not allocate memory", "std::bad_alloc", "allocation failed", "Cannot allocate memory"]
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self), stdoutBytes: outData.get(),
      stderr: stderr, signal: signaled ? process.terminationStatus : nil, timedOut: timedOut,
      memoryLimitHit: memoryLimit != nil && !timedOut && (signaled || process.terminationStatus != 0 && process.terminationStatus != 1)
        && outOfMemory.contains { stderr.contains($0) })
  }

  /// Bytes one reader thread hands to another.
  private final class Captured: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    func set(_ d: Data) {
      lock.lock()
      data = d
      lock.unlock()
    }
    func get() -> Data {
      lock.lock()
      defer { lock.unlock() }
      return data
    }
  }
}
