/// The handshakes of a chain of modules of Finch's Verilog library, as the
/// stitcher chains them (one struct per module in Handshakes.swift):
/// ``StreamSimulation``'s state, so what it computes (when each output word
/// leaves, how full each FIFO gets) is what Verilator shows.
///
/// Every module's `m_tvalid` comes from registers; its `s_tready` may also
/// depend on its `m_tready` (width converters, thresholding, accumulators), never on
/// `s_tvalid`. A cycle therefore knows every unit's ``Units/outputValid(_:)``,
/// reads ``Units/inputReady(_:outputReady:)`` from the last unit back to the
/// first, then clocks every unit with ``Units/step(_:inputValid:inputReady:outputValid:outputReady:)``,
/// which tells its `m_tvalid` in the next cycle.
/// Units of a kind sit in one array, updated in place during a run; a
/// checkpoint is a copy.
struct HandshakeChain: Equatable {
  enum Kind: UInt8 { case fifo, dwc, thresholding, mvau, swu, maxPool, labelSelect, accumulator }
  /// Unit `i` is `kinds[i]`, element `slots[i]` of its kind's array.
  private var kinds: [Kind] = [], slots: [Int] = []
  private var fifos: [FIFOHandshake] = []
  private var dwcs: [DWCHandshake] = []
  private var thresholdings: [ThresholdingHandshake] = []
  private var mvaus: [MVAUHandshake] = []
  private var swus: [SWUHandshake] = []
  private var maxPools: [MaxPoolHandshake] = []
  private var labelSelects: [LabelSelectHandshake] = []
  private var accumulators: [AccumulatorHandshake] = []

  /// Units in the chain.
  var count: Int { kinds.count }

  private mutating func place(_ kind: Kind, _ slot: Int) {
    kinds.append(kind)
    slots.append(slot)
  }
  mutating func append(_ u: FIFOHandshake) { place(.fifo, fifos.count); fifos.append(u) }
  mutating func append(_ u: DWCHandshake) { place(.dwc, dwcs.count); dwcs.append(u) }
  mutating func append(_ u: ThresholdingHandshake) { place(.thresholding, thresholdings.count); thresholdings.append(u) }
  mutating func append(_ u: MVAUHandshake) { place(.mvau, mvaus.count); mvaus.append(u) }
  mutating func append(_ u: SWUHandshake) { place(.swu, swus.count); swus.append(u) }
  mutating func append(_ u: MaxPoolHandshake) { place(.maxPool, maxPools.count); maxPools.append(u) }
  mutating func append(_ u: LabelSelectHandshake) { place(.labelSelect, labelSelects.count); labelSelects.append(u) }
  mutating func append(_ u: AccumulatorHandshake) { place(.accumulator, accumulators.count); accumulators.append(u) }

  /// The FIFOs' depths, in stream order.
  var fifoDepths: [Int] {
    get { fifos.map(\.depth) }
    set { for (k, depth) in newValue.enumerated() { fifos[k].depth = depth } }
  }

  /// Takes the state of units `start...` from `other` (the same chain of units; FIFO depths kept).
  mutating func adopt(unitsFrom start: Int, of other: HandshakeChain) {
    for i in start..<count {
      let k = slots[i]
      switch kinds[i] {
      case .fifo: fifos[k].count = other.fifos[k].count
      case .dwc: dwcs[k] = other.dwcs[k]
      case .thresholding: thresholdings[k] = other.thresholdings[k]
      case .mvau: mvaus[k] = other.mvaus[k]
      case .swu: swus[k] = other.swus[k]
      case .maxPool: maxPools[k] = other.maxPools[k]
      case .labelSelect: labelSelects[k] = other.labelSelects[k]
      case .accumulator: accumulators[k] = other.accumulators[k]
      }
    }
  }

  /// Runs `body` on the units in place.
  mutating func withUnits<R>(_ body: (Units) -> R) -> R {
    kinds.withUnsafeBufferPointer { kinds in
      slots.withUnsafeBufferPointer { slots in
        fifos.withUnsafeMutableBufferPointer { fifos in
          dwcs.withUnsafeMutableBufferPointer { dwcs in
            thresholdings.withUnsafeMutableBufferPointer { thresholdings in
              mvaus.withUnsafeMutableBufferPointer { mvaus in
                swus.withUnsafeMutableBufferPointer { swus in
                  maxPools.withUnsafeMutableBufferPointer { maxPools in
                    labelSelects.withUnsafeMutableBufferPointer { labelSelects in
                      accumulators.withUnsafeMutableBufferPointer { accumulators in
                        body(
                          Units(
                            kinds: kinds, slots: slots, fifos: fifos, dwcs: dwcs, thresholdings: thresholdings, mvaus: mvaus, swus: swus,
                            maxPools: maxPools, labelSelects: labelSelects, accumulators: accumulators))
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The units during ``withUnits(_:)``.
  struct Units {
    let kinds: UnsafeBufferPointer<Kind>, slots: UnsafeBufferPointer<Int>
    let fifos: UnsafeMutableBufferPointer<FIFOHandshake>
    let dwcs: UnsafeMutableBufferPointer<DWCHandshake>
    let thresholdings: UnsafeMutableBufferPointer<ThresholdingHandshake>
    let mvaus: UnsafeMutableBufferPointer<MVAUHandshake>
    let swus: UnsafeMutableBufferPointer<SWUHandshake>
    let maxPools: UnsafeMutableBufferPointer<MaxPoolHandshake>
    let labelSelects: UnsafeMutableBufferPointer<LabelSelectHandshake>
    let accumulators: UnsafeMutableBufferPointer<AccumulatorHandshake>

    /// A copy of the chain as it is now (a checkpoint).
    func snapshot(_ chain: HandshakeChain) -> HandshakeChain {
      var copy = chain
      (copy.fifos, copy.dwcs, copy.thresholdings, copy.mvaus) = (Array(fifos), Array(dwcs), Array(thresholdings), Array(mvaus))
      (copy.swus, copy.maxPools, copy.labelSelects, copy.accumulators) = (Array(swus), Array(maxPools), Array(labelSelects), Array(accumulators))
      return copy
    }

    /// Whether units `0..<end` are in the state `chain`'s are (FIFO depths aside).
    func sameState(as chain: HandshakeChain, units end: Int) -> Bool {
      (0..<end).allSatisfy { i in
        let k = slots[i]
        switch kinds[i] {
        case .fifo: return fifos[k].count == chain.fifos[k].count
        case .dwc: return dwcs[k] == chain.dwcs[k]
        case .thresholding: return thresholdings[k] == chain.thresholdings[k]
        case .mvau: return mvaus[k] == chain.mvaus[k]
        case .swu: return swus[k] == chain.swus[k]
        case .maxPool: return maxPools[k] == chain.maxPools[k]
        case .labelSelect: return labelSelects[k] == chain.labelSelects[k]
        case .accumulator: return accumulators[k] == chain.accumulators[k]
        }
      }
    }

    /// Whether unit `i` is at rest: no `m_tvalid`, a cycle without input
    /// leaves it as it is, and its `s_tready` does not depend on its
    /// `m_tready`. Once the input has ended and every unit up to `i` is at
    /// rest, they stay so, with the same `s_tready`.
    func isAtRest(_ i: Int) -> Bool {
      func unchanged<U: Equatable>(_ u: U, _ step: (inout U) -> Void) -> Bool {
        var copy = u
        step(&copy)
        return copy == u
      }
      let k = slots[i]
      switch kinds[i] {
      case .fifo: return fifos[k].count == 0
      case .dwc:
        let u = dwcs[k]
        return !u.outputValid && u.inputReady(outputReady: false) == u.inputReady(outputReady: true)
          && unchanged(u) { $0.step(push: false, pop: false) }
      case .thresholding: return !thresholdings[k].valid
      case .mvau: return mvaus[k].held == 0 && unchanged(mvaus[k]) { $0.step(inputValid: false, pop: false) }
      case .swu: return swus[k].held == 0 && unchanged(swus[k]) { $0.step(accept: false, pop: false) }
      case .maxPool: return maxPools[k].held == 0 && unchanged(maxPools[k]) { $0.step(accept: false, pop: false) }
      case .labelSelect: return !labelSelects[k].emitting
      case .accumulator: return !accumulators[k].valid
      }
    }

    /// Puts every unit back in the state `chain`'s is in (a checkpoint of this run: FIFO depths as configured).
    func restore(_ chain: HandshakeChain) {
      _ = fifos.update(fromContentsOf: chain.fifos)
      _ = dwcs.update(fromContentsOf: chain.dwcs)
      _ = thresholdings.update(fromContentsOf: chain.thresholdings)
      _ = mvaus.update(fromContentsOf: chain.mvaus)
      _ = swus.update(fromContentsOf: chain.swus)
      _ = maxPools.update(fromContentsOf: chain.maxPools)
      _ = labelSelects.update(fromContentsOf: chain.labelSelects)
      _ = accumulators.update(fromContentsOf: chain.accumulators)
    }

    /// Words in FIFO `f` (stream order).
    @inline(__always) func fifoCount(_ f: Int) -> Int { fifos[f].count }

    /// Unit `i`'s `m_tvalid` this cycle.
    @inline(__always) func outputValid(_ i: Int) -> Bool {
      let k = slots[i]
      switch kinds[i] {
      case .fifo: return fifos[k].count != 0
      case .dwc: return dwcs[k].outputValid
      case .thresholding: return thresholdings[k].valid
      case .mvau: return mvaus[k].held != 0
      case .swu: return swus[k].held != 0
      case .maxPool: return maxPools[k].held != 0
      case .labelSelect: return labelSelects[k].emitting
      case .accumulator: return accumulators[k].valid
      }
    }

    /// Unit `i`'s `s_tready` this cycle, given its `m_tready`.
    @inline(__always) func inputReady(_ i: Int, outputReady: Bool) -> Bool {
      let k = slots[i]
      switch kinds[i] {
      case .fifo: return fifos[k].count != fifos[k].depth
      case .dwc: return dwcs[k].inputReady(outputReady: outputReady)
      case .thresholding: return !thresholdings[k].valid || outputReady
      case .mvau: return mvaus[k].inputReady
      case .swu: return swus[k].inputReady
      case .maxPool: return maxPools[k].inputReady
      case .labelSelect: return !labelSelects[k].emitting
      case .accumulator: return accumulators[k].inputReady(outputReady: outputReady)
      }
    }

    /// The clock edge ending a cycle for unit `i`: its `s_tvalid`, the
    /// `s_tready` it answered, its `m_tvalid` and `m_tready` as they were;
    /// its `m_tvalid` in the next cycle.
    @inline(__always) func step(_ i: Int, inputValid: Bool, inputReady: Bool, outputValid: Bool, outputReady: Bool) -> Bool {
      let k = slots[i]
      let push = inputValid && inputReady, pop = outputValid && outputReady
      switch kinds[i] {
      case .fifo:
        fifos[k].count += (push ? 1 : 0) - (pop ? 1 : 0)
        return fifos[k].count != 0
      case .dwc:
        dwcs[k].step(push: push, pop: pop)
        return dwcs[k].outputValid
      case .thresholding:
        if !thresholdings[k].valid || outputReady { thresholdings[k].valid = inputValid }
        return thresholdings[k].valid
      case .mvau:
        mvaus[k].step(inputValid: inputValid, pop: pop)
        return mvaus[k].held != 0
      case .swu:
        swus[k].step(accept: push, pop: pop)
        return swus[k].held != 0
      case .maxPool:
        maxPools[k].step(accept: push, pop: pop)
        return maxPools[k].held != 0
      case .labelSelect:
        labelSelects[k].step(inputValid: inputValid, outputReady: outputReady)
        return labelSelects[k].emitting
      case .accumulator:
        accumulators[k].step(push: push, pop: pop)
        return accumulators[k].valid
      }
    }
  }
}
