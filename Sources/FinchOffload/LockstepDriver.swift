/// Runs every driver command on two drivers, a device and a reference
/// (normally a ``ModelDriver``), and after each call compares their whole
/// memory: a call that leaves any word other than the reference left it is an
/// error naming the first such word, its region and both values. Reads return
/// the device's bytes. The two may allocate at different bases; the reference
/// gets addresses and address registers moved to its own.
public struct LockstepDriver<Device: OffloadDriver, Reference: OffloadDriver>: OffloadDriver {
  public var device: Device
  public var reference: Reference
  /// Names the regions of memory in errors, when given.
  public let memoryMap: MemoryMap?
  private var deviceBase = 0, referenceBase = 0, bytes = 0

  public var engine: EngineConfiguration { device.engine }

  public init(device: Device, reference: Reference, memoryMap: MemoryMap? = nil) {
    (self.device, self.reference, self.memoryMap) = (device, reference, memoryMap)
  }

  public mutating func allocate(bytes: Int) throws(FinchOffloadError) -> Int {
    guard device.engine == reference.engine else { throw .run("the device and the reference implement different engines") }
    (deviceBase, referenceBase, self.bytes) = (try device.allocate(bytes: bytes), try reference.allocate(bytes: bytes), bytes)
    return deviceBase
  }

  public mutating func write(_ bytes: [UInt8], at address: Int) throws(FinchOffloadError) {
    try device.write(bytes, at: address)
    try reference.write(bytes, at: address - deviceBase + referenceBase)
  }

  public mutating func read(_ count: Int, at address: Int) throws(FinchOffloadError) -> [UInt8] {
    try device.read(count, at: address)
  }

  public mutating func write(_ register: EngineRegister, _ value: UInt32) throws(FinchOffloadError) {
    try device.write(register, value)
    try reference.write(register, register.isAddress ? UInt32(truncatingIfNeeded: Int(value) - deviceBase + referenceBase) : value)
  }

  public mutating func start() throws(FinchOffloadError) {
    try reference.start()
    try device.start()
  }

  /// Waits for both, then compares their memory; returns the device's cycles.
  public mutating func wait(cycleLimit: Int) throws(FinchOffloadError) -> Int? {
    _ = try reference.wait(cycleLimit: cycleLimit)
    let cycles = try device.wait(cycleLimit: cycleLimit)
    let (got, expected) = (try device.read(bytes, at: deviceBase), try reference.read(bytes, at: referenceBase))
    if got != expected { throw .run(difference(got, expected)) }
    return cycles
  }

  /// Where and how two memories differ: the words that differ per region and the first one's values.
  private func difference(_ got: [UInt8], _ expected: [UInt8]) -> String {
    let w = engine.memoryWordBytes
    var perRegion: [(String, Int)] = []
    var first: (offset: Int, got: String, expected: String)?
    for offset in stride(from: 0, to: got.count, by: w) {
      let end = min(offset + w, got.count)
      guard got[offset..<end] != expected[offset..<end] else { continue }
      let region = self.region(offset).name
      if perRegion.last?.0 == region { perRegion[perRegion.count - 1].1 += 1 } else { perRegion.append((region, 1)) }
      if first == nil { first = (offset, Self.hex(got[offset..<end]), Self.hex(expected[offset..<end])) }
    }
    guard let first else { return "memory differs from the reference" }
    let (name, start) = region(first.offset)
    let words = perRegion.map { "\($1) in \($0)" }.joined(separator: ", ")
    return "memory differs from the reference after the call: words differing: \(words); first at byte \(deviceBase + first.offset) "
      + "(\(name) word \((first.offset - start) / w)): 0x\(first.got), reference 0x\(first.expected)"
  }

  /// The memory map's region holding byte `offset` (relative to the base) and its start.
  private func region(_ offset: Int) -> (name: String, start: Int) {
    let regions = (memoryMap?.regions ?? []) + (memoryMap?.activationBuffers ?? [])
    let r = regions.first { offset >= $0.offset && offset < $0.offset + $0.bytes }
    return r.map { ($0.name, $0.offset) } ?? ("memory", 0)
  }

  /// A memory word's bytes as one little-endian number in hex (most significant digit first).
  private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.reversed().map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
  }
}
