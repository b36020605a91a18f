import FinchIR

/// Turns a graph's nodes into plan steps over buffers, choosing a fast kernel
/// where one applies and the interpreter otherwise.
struct PlanBuilder {
  let graph: Graph
  let capacity: Int
  private(set) var buffers: [String: ValueBuffer] = [:]
  private(set) var steps: [any PlanStep] = []
  private(set) var fallbacks: [(node: String, reason: String)] = []
  /// Bytes of activations (every buffer and packed image) one sample occupies.
  private(set) var bytesPerSample = 0
  /// Packed images by the name of the value they pack.
  private var packed: [String: PackedPixels] = [:]
  /// Arithmetic chains by the value they end in, while nothing else reads it.
  private var chains: [String: ScalarArithmeticStep] = [:]
  /// SWU nodes folded into the MVAU that reads their windows: SWU output → its windows.
  private var foldedWindows: [String: MatrixVectorStep.Source] = [:]

  init(graph: Graph, capacity: Int) {
    self.graph = graph
    self.capacity = capacity
  }

  /// The buffer of `name`, created on first use.
  mutating func buffer(for name: String, type: ValueType) -> ValueBuffer {
    if let b = buffers[name] { return b }
    let b = ValueBuffer(kind: StorageKind(type), sampleShape: type.shape, capacity: capacity)
    buffers[name] = b
    bytesPerSample += b.sampleCount * b.kind.byteCount
    return b
  }

  mutating func addSteps() throws(CPUPlanError) {
    for node in graph.nodes {
      if try aliasLayoutOnly(node) { continue }
      if try foldIntoConvolution(node) { continue }
      do {
        try addFastStep(node)
      } catch {
        fallbacks.append((node.name, "\(error)"))
        try addInterpreterStep(node)
      }
    }
  }

  /// Reshape-like nodes just view their input's memory with the new shape.
  private mutating func aliasLayoutOnly(_ node: Node) throws(CPUPlanError) -> Bool {
    switch node.op {
    case .reshape, .flatten, .squeeze, .unsqueeze: break
    default: return false
    }
    guard let source = buffers[node.inputs[0]], let out = node.outputs.first, let type = graph.type(of: out),
      StorageKind(type) == source.kind, type.shape.elementCount == source.sampleCount
    else { return false }
    buffers[out] = ValueBuffer(viewing: source, as: type.shape)
    return true
  }

  /// An SWU whose windows only an MVAU reads is not materialized: the MVAU
  /// assembles each block of windows itself, from the 16-bit image or, for XNOR
  /// layers, from the image packed to bits once.
  private mutating func foldIntoConvolution(_ node: Node) throws(CPUPlanError) -> Bool {
    guard case .swu(let u) = node.op, let out = node.outputs.first, !graph.outputs.contains(out),
      let input = buffers[node.inputs[0]], input.kind == .int16, let windows = graph.type(of: out)?.shape
    else { return false }
    let readers = graph.consumers(of: out)
    guard readers.count == 1, case .mvau(let m) = readers[0].op, readers[0].inputs[0] == out else { return false }
    let geometry = WindowGeometry(u, input: input.sampleShape, output: windows)
    guard m.xnor else {
      foldedWindows[out] = .windows(input, geometry)
      return true
    }
    guard graph.type(of: node.inputs[0])?.dataType == .bipolar else { return false }
    if packed[node.inputs[0]] == nil {
      let step = try PackPixelsStep(node: "\(node.name)_pack", input: input)
      steps.append(step)
      packed[node.inputs[0]] = step.pixels
      bytesPerSample += step.pixels.wordsPerSample * 8
    }
    foldedWindows[out] = .packedWindows(packed[node.inputs[0]]!, geometry)
    return true
  }

  private mutating func addFastStep(_ node: Node) throws(CPUPlanError) {
    func value(_ i: Int) throws(CPUPlanError) -> (ValueBuffer, ValueType) {
      guard i < node.inputs.count, let b = buffers[node.inputs[i]], let t = graph.type(of: node.inputs[i]) else {
        throw .unsupportedGraph("input \(i) is not a computed value")
      }
      return (b, t)
    }
    func constant(_ i: Int) throws(CPUPlanError) -> Tensor {
      guard i < node.inputs.count, let c = graph.initializers[node.inputs[i]] else {
        throw .unsupportedGraph("input \(i) is not a constant")
      }
      return c
    }
    func optionalConstant(_ i: Int) throws(CPUPlanError) -> Tensor? {
      i < node.inputs.count && !node.inputs[i].isEmpty ? try constant(i) : nil
    }
    guard node.outputs.count == 1, let outType = graph.type(of: node.outputs[0]) else {
      throw .unsupportedGraph("no fast kernel for \(node.op.typeName)")
    }
    let out = buffer(for: node.outputs[0], type: outType)
    switch node.op {
    case .mvau(let m):
      let w = try constant(1)
      let source: MatrixVectorStep.Source
      let inputType: DataType
      if let folded = foldedWindows[node.inputs[0]], let windowType = graph.type(of: node.inputs[0]) {
        source = folded
        inputType = windowType.dataType
      } else {
        let (x, xType) = try value(0)
        source = .rows(x)
        inputType = xType.dataType
      }
      steps.append(try MatrixVectorStep(
        node: node.name, attributes: m, source: source, inputType: inputType, output: out, weights: w,
        thresholds: try optionalConstant(2)))
    case .swu(let u):
      steps.append(try SlidingWindowStep(node: node.name, attributes: u, input: try value(0).0, output: out))
    case .streamingMaxPool(let kernel, let strides, let pads):
      steps.append(try MaxPoolStep(node: node.name, kernel: kernel, strides: strides, pads: pads, input: try value(0).0, output: out))
    case .thresholding(var m), .multiThreshold(var m):
      if case .thresholding = node.op { m.channelsLast = true }
      let (x, xType) = try value(0)
      steps.append(
        try ThresholdStep(
          node: node.name, attributes: m, input: x, inputType: xType.dataType, output: out, thresholds: try constant(1)))
    case .labelSelect(let k):
      steps.append(try LabelSelectStep(node: node.name, k: k, input: try value(0).0, output: out))
    case .vvau(let m):
      let (x, xType) = try value(0)
      steps.append(
        try DepthwiseStep(
          node: node.name, attributes: m, input: x, inputType: xType.dataType, output: out, weights: try constant(1),
          thresholds: try optionalConstant(2)))
    case .addStreams:
      steps.append(try AddStreamsStep(node: node.name, a: try value(0).0, b: try value(1).0, output: out))
    case .streamingConcat:
      steps.append(try StreamingConcatStep(node: node.name, a: try value(0).0, b: try value(1).0, output: out))
    case .globalAccPool:
      steps.append(try GlobalAccPoolStep(node: node.name, input: try value(0).0, output: out))
    case .binary(let op):
      let constantFirst = graph.initializers[node.inputs[0]] != nil
      let c = try constant(constantFirst ? 0 : 1)
      let source = node.inputs[constantFirst ? 1 : 0]
      let (x, _) = try value(constantFirst ? 1 : 0)
      guard c.count == 1 else { throw .unsupportedGraph("only arithmetic with a one-element constant has a fast kernel") }
      let operation = ScalarArithmeticStep.Operation(op: op, constant: c.floats[0], constantFirst: constantFirst)
      if let chain = chains[source], graph.consumers(of: source).count == 1, !graph.outputs.contains(source),
        chain.append(node: node.name, operation, output: out)
      {
        // The chain's old end is never written: only this node read it.
        chains[source] = nil
        chains[node.outputs[0]] = chain
        return
      }
      guard let step = ScalarArithmeticStep(node: node.name, operation, input: x, output: out) else {
        throw .unsupportedGraph("Pow and broadcasting arithmetic have no fast kernel")
      }
      steps.append(step)
      chains[node.outputs[0]] = step
    default:
      throw .unsupportedGraph("no fast kernel for \(node.op.typeName)")
    }
  }

  private mutating func addInterpreterStep(_ node: Node) throws(CPUPlanError) {
    var operands: [InterpreterStep.Operand] = []
    for name in node.inputs {
      if name.isEmpty {
        operands.append(.omitted)
      } else if let c = graph.initializers[name] {
        operands.append(.constant(c))
      } else if let b = buffers[name], let t = graph.type(of: name) {
        operands.append(.value(b, t.elementType))
      } else {
        throw .unsupportedGraph("node \(node.name) reads \(name), which nothing computes")
      }
    }
    var outs: [(buffer: ValueBuffer, elementType: ElementType)?] = []
    for name in node.outputs {
      if name.isEmpty {
        outs.append(nil)
        continue
      }
      guard let t = graph.type(of: name) else { throw .unsupportedGraph("output \(name) of \(node.name) has no type") }
      outs.append((buffer(for: name, type: t), t.elementType))
    }
    steps.append(InterpreterStep(node: node, inputs: operands, outputs: outs))
  }
}
