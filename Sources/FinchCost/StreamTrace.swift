extension StreamSimulation {
  /// The state of a run at the start of a cycle, to resume from.
  struct Checkpoint: Equatable {
    var cycle: Int
    var chain: HandshakeChain
    var driver: TestbenchDriver
    var sent: Int, received: Int
    var frameEnds: [Int]
  }

  /// What a run leaves for runs that share its beginning or its end.
  ///
  /// Checkpoints every so many cycles from cycle 1; per FIFO (stream order)
  /// the first cycle it took a word while holding `k` words (index `k`),
  /// which is where a FIFO `k` deep would first refuse one and a run with it
  /// so deep would part from this one; per interval between checkpoints
  /// the most words each FIFO held, and held when it took one (−1: none), so
  /// a run that reaches a checkpoint in this run's state can tell whether it
  /// goes on as this one did (no FIFO whose depth differs gets that full);
  /// and every FIFO's output handshake, cycle by cycle, which a run that
  /// differs only upstream of a FIFO replays instead of simulating what
  /// lies downstream.
  struct Trace {
    var checkpoints: [Checkpoint] = []
    var firstPush: [[Int]]
    var held: [[Int]] = [], pushed: [[Int]] = []
    var outputs: OutputRecord
    /// The run's frame ends (when it ran to its end).
    var frameEnds: [Int] = []
    /// The cycle from which the run went on as its parent had, if it did.
    var joinedAt: Int?

    /// The last checkpoint before FIFO `fifo` (by stream order) `depth` words
    /// deep would first refuse a word, and this trace before it.
    func resumption(fifo: Int, depth: Int) -> (Checkpoint, Trace)? {
      let parting = depth < firstPush[fifo].count ? firstPush[fifo][depth] : Int.max
      guard let at = checkpoints.lastIndex(where: { $0.cycle <= parting }) else { return nil }
      let cycle = checkpoints[at].cycle
      let before = Trace(
        checkpoints: Array(checkpoints[..<at]), firstPush: firstPush.map { Array($0.prefix { $0 < cycle }) }, held: Array(held[..<at]),
        pushed: Array(pushed[..<at]), outputs: outputs)
      return (checkpoints[at], before)
    }

    /// Per checkpoint, per FIFO: the most of `intervals` from that checkpoint on.
    static func fromEachOn(_ intervals: [[Int]]) -> [[Int]] {
      var result = intervals
      for j in result.indices.reversed().dropFirst() { result[j] = zip(result[j], result[j + 1]).map { max($0, $1) } }
      return result
    }
  }

  /// Per cycle and FIFO (stream order): whether its consumer was ready
  /// (`s_tready`), and whether a word left it. Two bits per FIFO and cycle,
  /// 64 cycles to a word.
  struct OutputRecord {
    private(set) var words: [UInt64] = []
    /// Words per 64 cycles.
    let stride: Int
    /// The FIFOs (stream order) recorded by the last run (the others' bits are its parent's, or none).
    var recorded: Set<Int> = []

    init(fifos: Int) { stride = 2 * fifos }

    /// Makes room for cycles up to `cycles`.
    mutating func reserve(cycles: Int) {
      let needed = (cycles / 64 + 1) * stride
      if words.count < needed { words += repeatElement(0, count: needed - words.count) }
    }

    /// Runs `body` on the words in place (the layout of ``Cursor``).
    mutating func withWords<R>(_ body: (UnsafeMutableBufferPointer<UInt64>) -> R) -> R {
      words.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Sets FIFO `f`'s bits for `cycles` in `words` (the layout of ``Cursor``): its consumer `ready`, no word taken.
    static func fill(_ f: Int, ready: Bool, cycles: Range<Int>, stride: Int, in words: UnsafeMutableBufferPointer<UInt64>) {
      var cycle = cycles.lowerBound
      while cycle < cycles.upperBound {
        let block = cycle >> 6, low = cycle & 63, high = min(cycles.upperBound - (block << 6), 64)
        let mask: UInt64 = (high == 64 ? ~0 : (1 &<< UInt64(high)) &- 1) & ~((1 &<< UInt64(low)) &- 1)
        let i = block * stride + 2 * f
        words[i] = ready ? words[i] | mask : words[i] & ~mask
        words[i + 1] &= ~mask
        cycle = (block + 1) << 6
      }
    }

    /// Where cycle `cycle`'s bits lie: FIFO `f`'s ready bit in word `base + 2f`, its taken bit in the next, at `bit`.
    struct Cursor {
      let base: Int, bit: UInt64
      @inline(__always) init(cycle: Int, stride: Int) { (base, bit) = ((cycle &>> 6) &* stride, 1 &<< UInt64(cycle & 63)) }
      @inline(__always) func ready(_ f: Int, in words: UnsafeBufferPointer<UInt64>) -> Bool { words[base &+ 2 &* f] & bit != 0 }
      @inline(__always) func taken(_ f: Int, in words: UnsafeBufferPointer<UInt64>) -> Bool { words[base &+ 2 &* f &+ 1] & bit != 0 }
      @inline(__always) func set(_ f: Int, ready: Bool, taken: Bool, in words: UnsafeMutableBufferPointer<UInt64>) {
        let i = base &+ 2 &* f
        words[i] = ready ? words[i] | bit : words[i] & ~bit
        words[i &+ 1] = taken ? words[i &+ 1] | bit : words[i &+ 1] & ~bit
      }
    }
  }
}
