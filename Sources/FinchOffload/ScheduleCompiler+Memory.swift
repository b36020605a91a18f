extension ScheduleCompiler {
  /// Bytes every region is aligned to: a 64-byte burst, or one memory word when wider.
  var alignment: Int { max(64, engine.memoryWordBytes) }

  /// Gives every value the steps pass on an activation buffer: a value holds
  /// its buffer from the step that writes it (the network input: from the
  /// start) to the last step that reads it (the network output: to the end),
  /// and takes the lowest-numbered buffer no value alive then holds. A chain
  /// of layers so alternates between buffers 0 and 1 (ping-pong); a branch
  /// keeps its value until the layer that joins it has read it.
  /// `layers` holds each step's range of the layer list.
  func assignBuffers(_ steps: inout [Step], layers: [Range<Int>], input: inout ActivationLayout, streams: LayerStreams) {
    // Each value's life in steps: written at `first` (−1: the network input), last read at `last`.
    var life: [String: (first: Int, last: Int)] = [streams.networkInput: (-1, -1)]
    var order = [streams.networkInput]
    for (k, group) in layers.enumerated() {
      for read in streams.reads(group) { life[read.value]?.last = k }
      let value = streams.outputs[group.upperBound - 1]
      life[value] = (k, k)
      order.append(value)
    }
    life[streams.networkOutput]?.last = layers.count
    var buffer: [String: Int] = [:]
    for value in order {
      guard let span = life[value] else { continue }
      let taken = Set(buffer.compactMap { other, b in life[other].map { $0.last >= span.first && $0.first <= span.last } == true ? b : nil })
      buffer[value] = (0...).first { !taken.contains($0) }
    }
    input.buffer = buffer[streams.networkInput] ?? 0
    for (k, group) in layers.enumerated() {
      for (j, read) in streams.reads(group).enumerated() { steps[k].inputs[j].buffer = buffer[read.value] ?? 0 }
      steps[k].output.buffer = buffer[streams.outputs[group.upperBound - 1]] ?? 0
    }
  }

  /// Lays out the weight and threshold regions (call order), then the
  /// activation buffers, and writes every call's address registers.
  func allocate(_ calls: inout [EngineCall], steps: [Step], input: ActivationLayout) -> MemoryMap {
    var regions: [MemoryMap.Region] = []
    var offset = 0
    func place(_ name: String, _ words: Int) -> Int {
      let at = offset
      let bytes = words * engine.memoryWordBytes
      regions.append(MemoryMap.Region(name: name, offset: at, bytes: bytes))
      offset = roundUp(at + bytes, alignment)
      return at
    }
    for i in calls.indices {
      calls[i].set(.weightAddress, place("weights/\(calls[i].mvau)/\(calls[i].tile)", calls[i].weightWords))
      if calls[i].thresholdWords > 0 {
        calls[i].set(.thresholdAddress, place("thresholds/\(calls[i].mvau)/\(calls[i].tile)", calls[i].thresholdWords))
      }
    }
    let imageBytes = offset
    var sizes = [Int](repeating: 0, count: ([input] + steps.map(\.output)).map(\.buffer).max().map { $0 + 1 } ?? 1)
    for layout in [input] + steps.map(\.output) { sizes[layout.buffer] = max(sizes[layout.buffer], layout.words * engine.memoryWordBytes) }
    var buffers: [MemoryMap.Region] = []
    for (b, bytes) in sizes.enumerated() {
      buffers.append(MemoryMap.Region(name: "activations/\(b)", offset: offset, bytes: bytes))
      offset = roundUp(offset + bytes, alignment)
    }
    for step in steps where step.kind == .engine {
      for c in step.calls {
        calls[c].set(.inputAddress, buffers[step.inputs[0].buffer].offset)
        calls[c].set(.outputAddress, buffers[step.output.buffer].offset)
      }
    }
    return MemoryMap(alignment: alignment, imageBytes: imageBytes, totalBytes: offset, regions: regions, activationBuffers: buffers)
  }
}

extension EngineCall {
  mutating func set(_ register: EngineRegister, _ value: Int) {
    if let i = registers.firstIndex(where: { $0.name == register }) { registers[i].value = UInt32(truncatingIfNeeded: value) }
  }
}
