import FinchCost
import FinchIR
import FinchInterpreter

/// Runs raw model inputs through a compiled schedule the way the host runtime
/// and the engine will: the host prologue (in the reference interpreter), the
/// network input written into activation buffer 0, every step in order (engine
/// calls through ``EngineModel`` on the bytes of an ``OffloadMemory``, CPU
/// steps read from and written back to the activation buffers through the
/// interpreter), the last step's output read back, then the host epilogue.
///
/// The engine reads only registers and memory; the graph serves the host side
/// alone (its prologue, epilogue and CPU layers, and the types of the values
/// the host reads and writes); the datatype of every element in an activation
/// buffer is the one the layer list gives, as the schedule compiler sized it.
public struct OffloadRun: Sendable {
  public let graph: Graph
  public let schedule: Schedule
  public let image: MemoryImage
  public let engine: EngineModel
  /// The graph's hardware layers by name: their nodes (for CPU steps) and facts (for element types).
  private let nodes: [String: Node]
  private let facts: [String: HardwareLayer]
  /// Host work before and after the hardware layers.
  private let prologue: Graph, epilogue: Graph
  private let firstLayer: String, lastLayer: String

  /// What one run produced: the model outputs and each call's activity, in call order.
  public struct Trace: Sendable {
    public var outputs: [String: Tensor]
    public var calls: [EngineModel.Activity]
  }

  /// Prepares to run `schedule` (compiled from `graph`) with its memory `image`.
  public init(graph: Graph, schedule: Schedule, image: MemoryImage) throws(FinchOffloadError) {
    let indices = graph.nodes.indices.filter { graph.nodes[$0].op.isHardwareLayer }
    guard let first = indices.first, let last = indices.last else { throw .run("graph '\(graph.name)' has no hardware layers") }
    let hardware = indices.map { graph.nodes[$0] }
    guard hardware.map(\.name) == schedule.steps.flatMap(\.layers) else {
      throw .run("the schedule's steps run \(schedule.steps.flatMap(\.layers)); the graph's hardware layers are \(hardware.map(\.name))")
    }
    (self.graph, self.schedule, self.image) = (graph, schedule, image)
    engine = EngineModel(engine: schedule.engine)
    nodes = Dictionary(hardware.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    do { facts = Dictionary(try HardwareLayer.layers(of: graph).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }) } catch { throw .layerFacts(error) }
    (firstLayer, lastLayer) = (graph.nodes[first].name, graph.nodes[last].name)
    let (input, output) = (graph.nodes[first].inputs[0], graph.nodes[last].outputs.last ?? graph.nodes[last].outputs[0])
    prologue = Self.subgraph(graph, Array(graph.nodes[..<first]), inputs: graph.inputs, outputs: [input])
    epilogue = Self.subgraph(graph, Array(graph.nodes[(last + 1)...]), inputs: [output], outputs: graph.outputs)
  }

  /// Runs one sample of a single-input graph; returns the model outputs by name.
  public func run(sample: Tensor) throws(FinchOffloadError) -> [String: Tensor] {
    guard graph.inputs.count == 1 else { throw .run("run(sample:) needs a graph with one input; this one has \(graph.inputs.count)") }
    return try trace([graph.inputs[0]: sample]).outputs
  }

  /// Runs one feed of raw model inputs; returns the outputs and every call's activity.
  public func trace(_ feed: [String: Tensor]) throws(FinchOffloadError) -> Trace {
    var memory = try OffloadMemory(schedule: schedule, image: image)
    let x = try interpret(prologue, feed, "the host prologue")[prologue.outputs[0]]
    guard let x else { throw .run("the host prologue did not compute \(prologue.outputs[0])") }
    try schedule.input.store(x, type: try layer(firstLayer).inputType, at: address(schedule.input), into: &memory)
    var activities: [EngineModel.Activity] = []
    for step in schedule.steps {
      switch step.kind {
      case .engine:
        for c in step.calls {
          guard schedule.calls.indices.contains(c) else { throw .run("a step names call \(c); the schedule has \(schedule.calls.count)") }
          let registers = Dictionary(schedule.calls[c].registers.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
          do { activities.append(try engine.execute(registers, memory: &memory)) } catch { throw .run("call \(c) (\(schedule.calls[c].mvau)): \(error)") }
        }
      case .cpu:
        try runOnCPU(step, &memory)
      }
    }
    let last = schedule.steps.last?.output ?? schedule.input
    let y = try last.load(try type(of: epilogue.inputs[0]), as: try layer(lastLayer).outputType, at: address(last), from: memory)
    return Trace(outputs: try interpret(epilogue, [epilogue.inputs[0]: y], "the host epilogue"), calls: activities)
  }

  /// A CPU step: its input read from its activation buffer, its layers run by the interpreter, its output written to the next buffer.
  private func runOnCPU(_ step: Step, _ memory: inout OffloadMemory) throws(FinchOffloadError) {
    let run = step.layers.compactMap { nodes[$0] }
    guard let first = run.first, let last = run.last, run.count == step.layers.count else { throw .run("a CPU step runs unknown layers \(step.layers)") }
    let (input, output) = (first.inputs[0], last.outputs.last ?? last.outputs[0])
    let x = try step.input.load(try type(of: input), as: try layer(first.name).inputType, at: address(step.input), from: memory)
    let y = try interpret(Self.subgraph(graph, run, inputs: [input], outputs: [output]), [input: x], "CPU step \(step.layers)")
    guard let y = y[output] else { throw .run("CPU step \(step.layers) did not compute \(output)") }
    try step.output.store(y, type: try layer(last.name).outputType, at: address(step.output), into: &memory)
  }

  /// Byte address of a layout's activation buffer.
  private func address(_ layout: ActivationLayout) throws(FinchOffloadError) -> Int {
    guard schedule.memory.activationBuffers.indices.contains(layout.buffer) else { throw .run("no activation buffer \(layout.buffer)") }
    return schedule.memory.activationBuffers[layout.buffer].offset
  }

  private func layer(_ name: String) throws(FinchOffloadError) -> HardwareLayer {
    guard let l = facts[name] else { throw .run("the layer list lacks '\(name)'") }
    return l
  }

  private func type(of value: String) throws(FinchOffloadError) -> ValueType {
    guard let t = graph.type(of: value) else { throw .run("value '\(value)' has no type") }
    return t
  }

  private func interpret(_ g: Graph, _ feed: [String: Tensor], _ what: String) throws(FinchOffloadError) -> [String: Tensor] {
    do { return try Interpreter(graph: g).run(feed) } catch { throw .run("\(what): \(error)") }
  }

  /// `nodes` of `graph` as a graph of their own, with every constant and type of `graph`.
  private static func subgraph(_ graph: Graph, _ nodes: [Node], inputs: [String], outputs: [String]) -> Graph {
    Graph(name: graph.name, inputs: inputs, outputs: outputs, nodes: nodes, initializers: graph.initializers, types: graph.types)
  }
}
