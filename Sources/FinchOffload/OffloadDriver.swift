/// The host runtime's boundary to one offload engine (Docs/offload.md §11):
/// what a board driver implements so that ``OffloadSession`` can run a
/// schedule on it. Finch ships two: ``ModelDriver`` (the reference model on
/// simulated DRAM) and FinchRTL's `VerilatorEngine` (the engine Verilog in
/// Verilator with a DRAM model).
///
/// The runtime calls it in this order: ``allocate(bytes:)`` once, ``write(_:at:)``
/// of the memory image at the base it returned, then per frame the network
/// input, and per engine call every per-call register (addresses already
/// include the base), ``start()`` and ``wait(cycleLimit:)``; activation buffers
/// are read and written for CPU steps and the output. All addresses are byte
/// addresses on the engine's memory port; every transfer the runtime makes is
/// whole memory words, aligned (the port has no byte enables). The runtime
/// checks every call's registers against the engine before anything runs,
/// and assumes nothing about memory it has not written.
public protocol OffloadDriver {
  /// The engine the device implements; a schedule for another engine is refused.
  var engine: EngineConfiguration { get }

  /// Makes `bytes` bytes of device memory available to the engine; returns the
  /// byte address where they start, which the runtime adds to every address register.
  mutating func allocate(bytes: Int) throws(FinchOffloadError) -> Int

  /// Writes `bytes` to device memory at byte `address`.
  mutating func write(_ bytes: [UInt8], at address: Int) throws(FinchOffloadError)

  /// Reads `count` bytes of device memory at byte `address`.
  mutating func read(_ count: Int, at address: Int) throws(FinchOffloadError) -> [UInt8]

  /// Writes one engine register (Docs/offload.md §3).
  mutating func write(_ register: EngineRegister, _ value: UInt32) throws(FinchOffloadError)

  /// Starts a call with the registers as written (`control` bit 0).
  mutating func start() throws(FinchOffloadError)

  /// Waits until the started call is done (`status` bit 1); returns its cycles
  /// when the driver can count them. A call not done within `cycleLimit`
  /// engine cycles is an error (a board driver turns the limit into time at its clock).
  mutating func wait(cycleLimit: Int) throws(FinchOffloadError) -> Int?
}
