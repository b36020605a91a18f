import FinchCost
import FinchIR

/// Turns a compiled graph's layer list into a ``Schedule`` for one engine
/// (Docs/offload.md §5): groups layers into engine calls (SWU+MVAU a conv,
/// MVAU alone an FC, a following max-pool fused into the conv), checks each
/// group against the engine's limits, tiles output channels to the buffers,
/// lays out memory and computes every call's register values. Layers the
/// engine cannot run go to the CPU with the reason, or are an error when
/// ``cpuFallback`` is off.
public struct ScheduleCompiler: Sendable {
  public var engine: EngineConfiguration
  /// Whether a layer beyond the engine runs on the CPU (true) or is an error.
  public var cpuFallback: Bool
  /// Where named hardware layers run (a conv's placement is its MVAU's, or
  /// its sliding window's); layers not named are ``Placement/auto``.
  public var placement: [String: Placement]

  public init(engine: EngineConfiguration, cpuFallback: Bool = true, placement: [String: Placement] = [:]) {
    self.engine = engine
    self.cpuFallback = cpuFallback
    self.placement = placement
  }

  /// The schedule of a compiled graph.
  public func schedule(_ graph: Graph) throws(FinchOffloadError) -> Schedule {
    let partition = HardwarePartition(graph)
    guard partition.unlowered.isEmpty else { throw .notLowered(nodes: partition.unlowered.map(\.name)) }
    let layers: [HardwareLayer]
    do { layers = try HardwareLayer.layers(of: graph) } catch { throw .layerFacts(error) }
    return try schedule(layers, prologue: partition.prologue, epilogue: partition.epilogue)
  }

  /// The schedule of a layer list (in stream order), with the host work around it.
  public func schedule(
    _ layers: [HardwareLayer], prologue: [HardwarePartition.HostNode] = [], epilogue: [HardwarePartition.HostNode] = []
  ) throws(FinchOffloadError) -> Schedule {
    guard let first = layers.first else { throw .layerFacts(.noHardwareLayers) }
    let names = Set(layers.map(\.name))
    if let unknown = placement.keys.sorted().first(where: { !names.contains($0) }) {
      throw .invalidSchedule("placement names '\(unknown)', which is not a hardware layer (they are: \(layers.map(\.name).joined(separator: ", ")))")
    }
    let streams = LayerStreams(layers)
    // Each value's layout as its producer writes it; buffers are assigned once every step is known.
    var layouts = [streams.networkInput: layout(inputOf: first)]
    var steps: [Step] = [], calls: [EngineCall] = [], cpu: [CPULayer] = []
    var ranges: [Range<Int>] = []  // each step's layers
    var i = 0
    func reads(_ group: Range<Int>) throws(FinchOffloadError) -> [ActivationLayout] {
      var result: [ActivationLayout] = []
      for read in streams.reads(group) {
        guard let layout = layouts[read.value] else {
          throw .invalidSchedule("layer '\(layers[read.layer].name)' reads '\(read.value)', which no layer before it writes")
        }
        result.append(layout)
      }
      return result
    }
    func addCPU(_ group: Range<Int>, _ reason: String) throws(FinchOffloadError) {
      let last = layers[group.upperBound - 1]
      let out = layout(outputOf: last)
      steps.append(Step(kind: .cpu, layers: layers[group].map(\.name), calls: [], inputs: try reads(group), output: out))
      ranges.append(group)
      cpu += layers[group].map { CPULayer(name: $0.name, op: $0.kind.rawValue, reason: reason) }
      layouts[streams.outputs[group.upperBound - 1]] = out
    }
    while i < layers.count {
      let l = layers[i]
      var swu: HardwareLayer?, mvau: HardwareLayer
      let start = i
      switch l.kind {
      case .swu where i + 1 < layers.count && layers[i + 1].kind == .mvau && streams.onlyReaderOfPrevious(i + 1):
        (swu, mvau) = (l, layers[i + 1])
        i += 2
      case .mvau:
        mvau = l
        i += 1
      default:
        let placed = placement[l.name]
        let reason = placed == .cpu ? Self.placedOnCPU : Self.cpuReason(l)
        guard placed == .cpu || (cpuFallback && placed != .accelerator) else {
          throw .unsupportedLayer(layer: l.name, op: l.kind.rawValue, reason: reason)
        }
        try addCPU(i..<(i + 1), reason)
        i += 1
        continue
      }
      var pool: HardwareLayer?
      // The engine pools thresholded codes, without padding, when nothing else reads the unpooled ones; any other max-pool runs on the CPU.
      if swu != nil, mvau.thresholds > 0, i < layers.count, layers[i].kind == .streamingMaxPool, layers[i].pads.allSatisfy({ $0 == 0 }),
        streams.onlyReaderOfPrevious(i), placement[layers[i].name] != .cpu
      {
        pool = layers[i]
        i += 1
      }
      let group = [swu, mvau, pool].compactMap { $0 }
      let placed = Set(group.compactMap { placement[$0.name] })
      if placed.contains(.cpu) {
        try addCPU(start..<i, Self.placedOnCPU)
        continue
      }
      let input = try reads(start..<i)
      guard let read = input.first else { throw .invalidSchedule("layer '\(mvau.name)' reads nothing") }
      do {
        let planned = try plan(swu: swu, mvau: mvau, pool: pool, input: read, firstCall: calls.count)
        steps.append(Step(kind: .engine, layers: group.map(\.name), calls: planned.calls.map(\.index), inputs: input, output: planned.output))
        ranges.append(start..<i)
        calls += planned.calls
        layouts[streams.outputs[i - 1]] = planned.output
      } catch {
        guard cpuFallback && !placed.contains(.accelerator) else { throw error }
        try addCPU(start..<i, error.description)
      }
    }
    var input = layouts[streams.networkInput] ?? layout(inputOf: first)
    assignBuffers(&steps, layers: ranges, input: &input, streams: streams)
    let memory = allocate(&calls, steps: steps, input: input)
    return Schedule(engine: engine, memory: memory, input: input, steps: steps, calls: calls, cpuLayers: cpu, prologue: prologue, epilogue: epilogue)
  }

  /// The reason given for a layer placed on the CPU.
  static let placedOnCPU = "placed on the CPU (--placement)"

  /// Why a layer of this kind never runs on the engine.
  static func cpuReason(_ l: HardwareLayer) -> String {
    switch l.kind {
    case .thresholding: return "a thresholding layer alone: the engine thresholds only the accumulators of its own MVAU"
    case .labelSelect: return "label select is not an engine operation"
    case .streamingMaxPool where l.pads.contains { $0 != 0 }: return "the engine's pool has no padding (pads \(l.pads))"
    case .streamingMaxPool: return "the engine fuses a max-pool only directly after a thresholded convolution"
    case .swu: return "a sliding window not followed by an MVAU"
    case .mvau: return "an MVAU"
    case .vvau: return "a depthwise convolution: the engine computes full matrix products only"
    case .addStreams: return "a sum of two streams is not an engine operation"
    case .streamingConcat: return "a concatenation of two streams is not an engine operation"
    case .globalAccPool: return "a global pool is not an engine operation"
    }
  }

  // MARK: - Layouts

  /// Bits one element of `type` takes in an activation buffer: the engine's
  /// activation lane when the type fits it, else the type's own width.
  func elementBits(_ type: DataType) -> Int { type.bitWidth <= engine.activationBits ? engine.activationBits : type.bitWidth }

  /// A layout in buffer 0; ``assignBuffers(_:layers:input:streams:)`` gives the buffer once every step is known.
  func makeLayout(height: Int, width: Int, channels: Int, elementBits: Int) -> ActivationLayout {
    let padded = roundUp(channels, engine.channelQuantum)
    return ActivationLayout(
      buffer: 0, height: height, width: width, channels: channels, paddedChannels: padded, elementBits: elementBits,
      pixelWords: divUp(padded * elementBits, engine.memoryWordBits))
  }

  /// The layout of a layer's input tensor.
  func layout(inputOf l: HardwareLayer) -> ActivationLayout {
    let bits = elementBits(l.inputType)
    switch l.kind {
    case .swu:
      let (h, w) = (l.unpaddedInputDims[0], l.unpaddedInputDims[1])
      return makeLayout(height: h, width: w, channels: l.channels, elementBits: bits)
    case .streamingMaxPool:
      return makeLayout(height: l.inputDims[0], width: l.inputDims[1], channels: l.channels, elementBits: bits)
    case .mvau: return makeLayout(height: 1, width: l.vectors, channels: l.mw, elementBits: bits)
    case .vvau: return makeLayout(height: 1, width: l.vectors, channels: l.mw * l.mh, elementBits: bits)
    case .thresholding, .labelSelect, .addStreams: return makeLayout(height: 1, width: l.vectors, channels: l.channels, elementBits: bits)
    case .streamingConcat:
      return makeLayout(height: 1, width: l.vectors, channels: l.concatChannels.first ?? l.channels, elementBits: bits)
    case .globalAccPool: return makeLayout(height: l.inputDims[0], width: l.inputDims[1], channels: l.channels, elementBits: bits)
    }
  }

  /// The layout of a layer's output tensor when the CPU writes it.
  func layout(outputOf l: HardwareLayer) -> ActivationLayout {
    let bits = elementBits(l.outputType)
    switch l.kind {
    case .swu:
      let (oh, ow) = (l.outputDims[0], l.outputDims[1])
      return makeLayout(height: oh, width: ow, channels: l.outputElements / max(oh * ow, 1), elementBits: bits)
    case .streamingMaxPool:
      return makeLayout(height: l.outputDims[0], width: l.outputDims[1], channels: l.channels, elementBits: bits)
    case .mvau: return makeLayout(height: 1, width: l.vectors, channels: l.mh, elementBits: bits)
    case .thresholding, .addStreams, .streamingConcat, .vvau:
      return makeLayout(height: 1, width: l.vectors, channels: l.channels, elementBits: bits)
    case .globalAccPool: return makeLayout(height: 1, width: 1, channels: l.channels, elementBits: bits)
    case .labelSelect: return makeLayout(height: 1, width: l.vectors, channels: l.k, elementBits: bits)
    }
  }
}
