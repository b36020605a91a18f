extension ScheduleCompiler {
  /// Bytes every region is aligned to: a 64-byte burst, or one memory word when wider.
  var alignment: Int { max(64, engine.memoryWordBytes) }

  /// Lays out the weight and threshold regions (call order), then the two
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
    var sizes = [0, 0]
    for layout in [input] + steps.map(\.output) { sizes[layout.buffer] = max(sizes[layout.buffer], layout.words * engine.memoryWordBytes) }
    var buffers: [MemoryMap.Region] = []
    for (b, bytes) in sizes.enumerated() {
      buffers.append(MemoryMap.Region(name: "activations/\(b)", offset: offset, bytes: bytes))
      offset = roundUp(offset + bytes, alignment)
    }
    for step in steps where step.kind == .engine {
      for c in step.calls {
        calls[c].set(.inputAddress, buffers[step.input.buffer].offset)
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
