import FinchCost
import FinchIR
import Foundation

/// The host runtime (Docs/offload.md §11): an ``OffloadRun`` loaded onto an
/// engine through its ``OffloadDriver``, ready to run any number of frames.
///
/// Loading checks every call's registers against the engine the way the
/// engine itself would refuse them (``EngineModel/check(_:memoryBytes:)``)
/// and that the driver implements the schedule's engine, so a bad schedule
/// is an error naming the call, its layer and the register before anything
/// runs; then it allocates `total_bytes` of device memory and writes the
/// memory image once at the driver's base. A frame: the host prologue, the
/// network input written into activation buffer 0, each step in order (an
/// engine call as its register writes, address registers offset by the base,
/// then start and wait; a CPU step read from its buffers, run on the CPU
/// backend, written to its own), the last output read back, the epilogue.
public struct OffloadSession<Driver: OffloadDriver> {
  public let run: OffloadRun
  public var driver: Driver
  /// The byte address of the schedule's memory on the device.
  public let base: Int
  /// Each call's cycle limit (``OffloadEstimate/Call/cycleLimit`` of its estimate).
  public let cycleLimits: [Int]

  /// What one frame produced.
  public struct Result: Sendable {
    /// The model outputs by name.
    public var outputs: [String: Tensor]
    /// Each call's cycles as the driver counted them (nil where it counts none), in call order.
    public var cycles: [Int?]
    /// Each CPU step's wall time on this machine (the CPU backend, one
    /// thread), in the order of the schedule's CPU steps.
    public var cpuSeconds: [Double]
    /// The host prologue's and epilogue's wall time together (the interpreter).
    public var hostSeconds: Double
  }

  /// Loads `run` onto `driver`. `estimate` sets the cycle limits; give one at
  /// the device's memory bandwidth (the default assumes a full port word per cycle).
  public init(_ run: OffloadRun, driver: Driver, estimate: OffloadEstimate? = nil) throws(FinchOffloadError) {
    let schedule = run.schedule
    try Self.checkEngine(schedule.engine, driver.engine)
    for step in schedule.steps {
      for c in step.calls where !schedule.calls.indices.contains(c) { throw .run("a step names call \(c); the schedule has \(schedule.calls.count)") }
    }
    for (i, call) in schedule.calls.enumerated() {
      if let r = call.registers.first(where: { !EngineRegister.perCall.contains($0.name) }) {
        throw Self.failure(i, call, .run("register \(r.name.rawValue) is not a per-call register; the runtime starts calls itself"))
      }
      do throws(FinchOffloadError) { try run.engine.check(call.registerValues, memoryBytes: schedule.memory.totalBytes) } catch {
        throw Self.failure(i, call, error)
      }
    }
    let wordBytes = schedule.engine.memoryWordBytes
    let fullPort = try OffloadEstimate(schedule, clockMHz: 100, bandwidthGBps: Double(wordBytes) / 10)
    let estimate = estimate ?? fullPort
    guard estimate.calls.count == schedule.calls.count else {
      throw .run("the estimate has \(estimate.calls.count) calls; the schedule has \(schedule.calls.count)")
    }
    (self.run, self.driver, cycleLimits) = (run, driver, estimate.calls.map(\.cycleLimit))
    base = try self.driver.allocate(bytes: schedule.memory.totalBytes)
    guard base >= 0, base % wordBytes == 0, base + schedule.memory.totalBytes <= 1 << 32 else {
      throw .run("the driver's memory at byte \(base) is not word aligned inside the 32-bit address space")
    }
    try self.driver.write(run.image.bytes, at: base)
  }

  /// Runs one frame of raw model inputs.
  public mutating func run(_ feed: [String: Tensor]) throws(FinchOffloadError) -> Result {
    let schedule = run.schedule
    let clock = ContinuousClock()
    var start = clock.now
    let (x, type) = try run.networkInput(feed)
    var host = clock.now - start
    try store(x, type, schedule.input)
    var cycles: [Int?] = [], cpu: [Double] = []
    for step in schedule.steps {
      switch step.kind {
      case .engine:
        for c in step.calls { cycles.append(try call(c)) }
      case .cpu:
        var inputs: [Tensor] = []
        for (layout, value) in zip(step.inputs, try run.cpuInputs(step)) { inputs.append(try load(layout, value)) }
        start = clock.now
        let (y, type) = try run.cpuRun(step, inputs)
        cpu.append((clock.now - start).seconds)
        try store(y, type, step.output)
      }
    }
    let last = schedule.steps.last?.output ?? schedule.input
    let y = try load(last, try run.networkOutput())
    start = clock.now
    let outputs = try run.outputs(y)
    host += clock.now - start
    return Result(outputs: outputs, cycles: cycles, cpuSeconds: cpu, hostSeconds: host.seconds)
  }

  /// Runs call `index` on the engine: its registers, start, wait.
  private mutating func call(_ index: Int) throws(FinchOffloadError) -> Int? {
    let call = run.schedule.calls[index]
    do throws(FinchOffloadError) {
      for r in call.registers { try driver.write(r.name, r.name.isAddress ? r.value + UInt32(base) : r.value) }
      try driver.start()
      return try driver.wait(cycleLimit: cycleLimits[index])
    } catch { throw Self.failure(index, call, error) }
  }

  /// Writes `tensor` (elements of `type`) into device memory as `layout`'s records.
  private mutating func store(_ tensor: Tensor, _ type: DataType, _ layout: ActivationLayout) throws(FinchOffloadError) {
    let wordBytes = run.schedule.engine.memoryWordBytes
    var records = OffloadMemory(bytes: [UInt8](repeating: 0, count: layout.words * wordBytes), wordBytes: wordBytes)
    try layout.store(tensor, type: type, at: 0, into: &records)
    try driver.write(records.bytes, at: try address(layout))
  }

  /// Reads `layout`'s records from device memory as `value`.
  private mutating func load(_ layout: ActivationLayout, _ value: OffloadRun.HostValue) throws(FinchOffloadError) -> Tensor {
    let wordBytes = run.schedule.engine.memoryWordBytes
    let records = OffloadMemory(bytes: try driver.read(layout.words * wordBytes, at: try address(layout)), wordBytes: wordBytes)
    return try layout.load(value.type, as: value.element, at: 0, from: records)
  }

  /// Device byte address of a layout's activation buffer.
  private func address(_ layout: ActivationLayout) throws(FinchOffloadError) -> Int {
    let buffers = run.schedule.memory.activationBuffers
    guard buffers.indices.contains(layout.buffer) else { throw .run("no activation buffer \(layout.buffer)") }
    return base + buffers[layout.buffer].offset
  }

  /// `error` in call `index`, named with its layer.
  private static func failure(_ index: Int, _ call: EngineCall, _ error: FinchOffloadError) -> FinchOffloadError {
    let reason: String
    if case .run(let r) = error { reason = r } else { reason = error.description }
    return .run("call \(index) (\(call.mvau)): \(reason)")
  }

  /// Fails unless the driver implements `scheduled`, naming the parameters that differ.
  private static func checkEngine(_ scheduled: EngineConfiguration, _ device: EngineConfiguration) throws(FinchOffloadError) {
    guard scheduled != device else { return }
    func fields(_ e: EngineConfiguration) -> [String: Int] {
      ((try? JSONEncoder().encode(e)).flatMap { try? JSONDecoder().decode([String: Int].self, from: $0) }) ?? [:]
    }
    let (s, d) = (fields(scheduled), fields(device))
    let differ = s.keys.sorted().compactMap { k in s[k] == d[k] ? nil : "\(k) \(s[k] ?? 0) vs \(d[k] ?? 0)" }
    throw .run("the schedule's engine differs from the driver's: \(differ.joined(separator: ", "))")
  }
}

extension EngineCall {
  /// The call's register values by register.
  public var registerValues: [EngineRegister: UInt32] {
    Dictionary(registers.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
  }
}

extension OffloadEstimate.Call {
  /// The cycles the call may take on a device before it counts as hung: four
  /// times the estimate, plus 10,000 for start-up and port latency.
  public var cycleLimit: Int { 4 * cycles + 10_000 }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
