/// The reference driver: ``EngineModel`` on the bytes of an ``OffloadMemory``
/// at a base address of its choosing. A call runs when it starts; the model
/// has no pipeline timing, so ``wait(cycleLimit:)`` counts no cycles, and
/// each call's ``activities`` entry says what it moved and computed instead.
public struct ModelDriver: OffloadDriver, Sendable {
  public let model: EngineModel
  /// The byte address where allocated memory starts.
  public let base: Int
  /// The device memory (empty until allocated).
  public private(set) var memory: OffloadMemory
  /// Register values as last written (addresses include `base`).
  public private(set) var registers: [EngineRegister: UInt32] = [:]
  /// What every finished call moved and computed, in call order.
  public private(set) var activities: [EngineModel.Activity] = []
  /// The started call's activity, until it is waited for.
  private var started: EngineModel.Activity?

  public var engine: EngineConfiguration { model.engine }

  /// A driver for `engine` whose memory starts at byte `base` (word aligned).
  public init(engine: EngineConfiguration, base: Int = 0) {
    (model, self.base) = (EngineModel(engine: engine), base)
    memory = OffloadMemory(bytes: [], wordBytes: engine.memoryWordBytes)
  }

  public mutating func allocate(bytes: Int) throws(FinchOffloadError) -> Int {
    guard bytes >= 0, base >= 0, base % memory.wordBytes == 0 else { throw .run("cannot allocate \(bytes) bytes at base \(base)") }
    memory.bytes = [UInt8](repeating: 0, count: bytes)
    return base
  }

  public mutating func write(_ bytes: [UInt8], at address: Int) throws(FinchOffloadError) {
    let at = try offset(address, bytes.count, "a write")
    memory.bytes.replaceSubrange(at..<(at + bytes.count), with: bytes)
  }

  public mutating func read(_ count: Int, at address: Int) throws(FinchOffloadError) -> [UInt8] {
    let at = try offset(address, count, "a read")
    return Array(memory.bytes[at..<(at + count)])
  }

  /// Stores the value; writing `control` with bit 0 set starts a call.
  public mutating func write(_ register: EngineRegister, _ value: UInt32) throws(FinchOffloadError) {
    registers[register] = value
    if register == .control, value & 1 == 1 { try start() }
  }

  /// Runs the call on memory now (addresses taken relative to `base`).
  public mutating func start() throws(FinchOffloadError) {
    var relative = registers
    for (r, v) in registers where r.isAddress {
      guard Int(v) >= base else { throw .run("register \(r.rawValue) = \(v) lies below the memory base \(base)") }
      relative[r] = v - UInt32(base)
    }
    started = try model.execute(relative, memory: &memory)
  }

  /// Records the started call's activity; returns no cycles (the model counts none).
  public mutating func wait(cycleLimit: Int) throws(FinchOffloadError) -> Int? {
    guard let activity = started else { throw .run("wait without a started call") }
    activities.append(activity)
    started = nil
    return nil
  }

  /// The offset into memory of `count` bytes at `address`.
  private func offset(_ address: Int, _ count: Int, _ what: String) throws(FinchOffloadError) -> Int {
    let at = address - base
    guard count >= 0, at >= 0, at + count <= memory.bytes.count else {
      throw .run("\(what) of \(count) bytes at byte \(address) leaves device memory \(base)..<\(base + memory.bytes.count)")
    }
    return at
  }
}
