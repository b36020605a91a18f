import FinchOffload
import Foundation

/// An ``OffloadDriver`` over the engine Verilog in Verilator: the harness of
/// ``OffloadEngineBuild`` (the engine plus a DRAM model on its memory port)
/// run as a child process, spoken to over its stdin and stdout with the line
/// protocol `finch_offload_tb.cpp` documents (Docs/offload.md §11). Calls
/// count their cycles; a call not done within its cycle limit is an error,
/// never a hang. Lines the harness prints that are not replies (a `$display`
/// in the Verilog) are kept in ``notes``.
public final class VerilatorEngine: OffloadDriver {
  /// How the harness's DRAM serves the engine's memory port.
  public struct DRAM: Sendable, Equatable, CustomStringConvertible {
    /// Byte address of the DRAM's first byte (what `allocate` returns).
    public var base: Int
    /// Cycles from an accepted read request to its first data word, and from a write burst's last word to its `wr_done`.
    public var latency: Int
    /// Bytes per cycle, read and write data together (fractional: a token bucket); nil: one memory word per cycle.
    public var bytesPerCycle: Double?
    /// Chance per cycle that each of `rd_req_ready`, `rd_valid`, `wr_req_ready` and `wr_ready` is held low.
    public var stall: Double
    /// Seed of the stall generator.
    public var seed: UInt64
    /// Most read (and write) requests queued at once; 0: unbounded.
    public var outstanding: Int

    public init(base: Int = 0, latency: Int = 1, bytesPerCycle: Double? = nil, stall: Double = 0, seed: UInt64 = 1, outstanding: Int = 0) {
      (self.base, self.latency, self.bytesPerCycle, self.stall, self.seed, self.outstanding) = (base, latency, bytesPerCycle, stall, seed, outstanding)
    }

    public var description: String {
      "latency \(latency), \(bytesPerCycle.map { "\($0) bytes" } ?? "a word") per cycle, stall \(stall) (seed \(seed))"
        + (outstanding > 0 ? ", at most \(outstanding) requests" : "") + ", base \(base)"
    }

    var arguments: [String] {
      ["--base", "\(base)", "--latency", "\(latency)", "--stall", "\(stall)", "--seed", "\(seed)", "--outstanding", "\(outstanding)"]
        + (bytesPerCycle.map { ["--bandwidth", "\($0)"] } ?? [])
    }
  }

  /// One finished call as the harness counted it.
  public struct Call: Sendable, Equatable {
    /// Cycles from the start write to `done`.
    public var cycles: Int
    /// Memory words the engine read and wrote.
    public var wordsRead: Int, wordsWritten: Int
  }

  public let engine: EngineConfiguration
  public let dram: DRAM
  public let build: OffloadEngineBuild
  /// Every finished call, in order.
  public private(set) var calls: [Call] = []
  /// Lines the harness printed that were not replies.
  public private(set) var notes: [String] = []
  private let process = Process()
  private let requests: FileHandle, replies: FileHandle
  private var pending: [UInt8] = []

  /// Builds (or finds in `cache`) the harness for `engine` from `sources`
  /// (nil: the Verilog library's; see ``OffloadEngineBuild``) and starts it with `dram`.
  public init(engine: EngineConfiguration, sources: [String: String]? = nil, dram: DRAM = DRAM(), cache: URL) throws(RTLError) {
    guard dram.base >= 0, dram.base % engine.memoryWordBytes == 0, dram.latency >= 1, (0...1).contains(dram.stall), dram.outstanding >= 0,
      (dram.bytesPerCycle ?? 1) > 0
    else { throw .toolFailed(tool: "finch", status: -1, log: "DRAM model \(dram): base word aligned, latency ≥ 1, stall 0...1, bandwidth > 0") }
    (self.engine, self.dram) = (engine, dram)
    build = try OffloadEngineBuild(engine: engine, sources: sources, cache: cache)
    // A harness that dies must be an error on the next write, not a signal that ends the host.
    signal(SIGPIPE, SIG_IGN)
    let input = Pipe(), output = Pipe()
    process.executableURL = build.executable
    process.arguments = dram.arguments
    (process.standardInput, process.standardOutput, process.standardError) = (input, output, output)
    (requests, replies) = (input.fileHandleForWriting, output.fileHandleForReading)
    do { try process.run() } catch { throw .toolFailed(tool: build.executable.path, status: -1, log: "\(error)") }
  }

  deinit {
    if process.isRunning { _ = try? send("quit") }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
  }

  public func allocate(bytes: Int) throws(FinchOffloadError) -> Int {
    guard let base = Int(try send("alloc \(bytes)")) else { throw .run("the Verilator harness answered alloc without a base") }
    return base
  }

  public func write(_ bytes: [UInt8], at address: Int) throws(FinchOffloadError) {
    var line = Array("write \(address) ".utf8)
    line.reserveCapacity(line.count + 2 * bytes.count)
    for b in bytes { line += [Self.digits[Int(b >> 4)], Self.digits[Int(b & 15)]] }
    try send(line)
  }

  public func read(_ count: Int, at address: Int) throws(FinchOffloadError) -> [UInt8] {
    let hex = Array(try send("read \(address) \(count)").utf8)
    guard hex.count == 2 * count else { throw .run("the Verilator harness returned \(hex.count / 2) of \(count) bytes") }
    return (0..<count).map { i in Self.nibble(hex[2 * i]) << 4 | Self.nibble(hex[2 * i + 1]) }
  }

  public func write(_ register: EngineRegister, _ value: UInt32) throws(FinchOffloadError) {
    try send("reg \(register.offset) \(value)")
  }

  public func start() throws(FinchOffloadError) {
    try send("start")
  }

  public func wait(cycleLimit: Int) throws(FinchOffloadError) -> Int? {
    let counts = try send("wait \(cycleLimit)").split(separator: " ").compactMap { Int($0) }
    guard counts.count == 3 else { throw .run("the Verilator harness answered wait without cycles and words") }
    calls.append(Call(cycles: counts[0], wordsRead: counts[1], wordsWritten: counts[2]))
    return counts[0]
  }

  // MARK: - Protocol

  /// Sends one command line; returns what follows `ok` in the reply, or throws the harness's `error` reason.
  @discardableResult
  private func send(_ line: String) throws(FinchOffloadError) -> String { try send(Array(line.utf8)) }

  @discardableResult
  private func send(_ line: [UInt8]) throws(FinchOffloadError) -> String {
    do { try requests.write(contentsOf: Data(line + [10])) } catch { throw exited() }
    while true {
      let reply = try readLine()
      if reply == "ok" { return "" }
      if reply.hasPrefix("ok ") { return String(reply.dropFirst(3)) }
      if reply.hasPrefix("error ") { throw .run(String(reply.dropFirst(6))) }
      notes.append(reply)
    }
  }

  /// The next line the harness prints.
  private func readLine() throws(FinchOffloadError) -> String {
    var scanned = 0
    while true {
      if let end = pending[scanned...].firstIndex(of: 10) {
        let line = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeSubrange(...end)
        return line
      }
      scanned = pending.count
      let chunk = replies.availableData
      guard !chunk.isEmpty else { throw exited() }
      pending += chunk
    }
  }

  /// The error for a harness that is gone: its exit status and last words.
  private func exited() -> FinchOffloadError {
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    let last = (notes.suffix(5) + [String(decoding: pending, as: UTF8.self)]).filter { !$0.isEmpty }.joined(separator: " | ")
    return .run("the Verilator harness \(build.executable.lastPathComponent) exited (status \(process.terminationStatus))\(last.isEmpty ? "" : ": \(last)")")
  }

  private static let digits = Array("0123456789abcdef".utf8)

  private static func nibble(_ c: UInt8) -> UInt8 { (c >= 97 ? c &- 87 : c &- 48) & 15 }
}
