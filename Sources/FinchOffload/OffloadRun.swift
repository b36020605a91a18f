import FinchCost
import FinchIR
import FinchInterpreter

/// A compiled schedule ready to run on raw model inputs: the graph's host
/// side (prologue, CPU layers, epilogue, the types of the values the host
/// reads and writes), the schedule and its memory image. ``OffloadSession``
/// runs it through any ``OffloadDriver``; ``trace(_:)`` runs it through a
/// ``ModelDriver`` (the engine reference model on simulated DRAM).
///
/// The engine reads only registers and memory; the graph serves the host side
/// alone; the datatype of every element in an activation buffer is the one
/// the layer list gives, as the schedule compiler sized it. CPU steps run on
/// the CPU backend (``CPUPlan``, compiled once here); the prologue and
/// epilogue (input quantization, output scaling) in the reference interpreter.
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
  /// The CPU steps, compiled for the CPU backend.
  private let cpuPlans: CPUStepPlans
  /// The graph values each CPU step reads (as its schedule step's `inputs`), keyed by the step's first layer.
  private let cpuReads: [String: [String]]

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
    let layers: [HardwareLayer]
    do { layers = try HardwareLayer.layers(of: graph) } catch { throw .layerFacts(error) }
    facts = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    (firstLayer, lastLayer) = (graph.nodes[first].name, graph.nodes[last].name)
    let (input, output) = (graph.nodes[first].inputs[0], graph.nodes[last].outputs.last ?? graph.nodes[last].outputs[0])
    prologue = Self.subgraph(graph, Array(graph.nodes[..<first]), inputs: graph.inputs, outputs: [input])
    epilogue = Self.subgraph(graph, Array(graph.nodes[(last + 1)...]), inputs: [output], outputs: graph.outputs)
    let streams = LayerStreams(layers)
    var cpuSteps: [(first: String, graph: Graph)] = [], cpuReads: [String: [String]] = [:]
    var start = 0
    for step in schedule.steps {
      defer { start += step.layers.count }
      guard step.kind == .cpu else { continue }
      let (first, last, run) = try Self.nodes(of: step, in: nodes)
      // What the step reads, as the node inputs that read it (a Reshape between layers stays outside the step's graph).
      let reads = streams.reads(start..<(start + step.layers.count)).map { run[$0.layer - start].inputs[$0.port] }
      guard reads.count == step.inputs.count else {
        throw .run("CPU step from '\(first.name)' reads \(reads.count) values; the schedule gives it \(step.inputs.count) inputs")
      }
      var inputs: [String] = []
      for value in reads where !inputs.contains(value) { inputs.append(value) }
      cpuSteps.append((first.name, Self.subgraph(graph, run, inputs: inputs, outputs: [last.outputs.last ?? last.outputs[0]])))
      cpuReads[first.name] = reads
    }
    cpuPlans = try CPUStepPlans(cpuSteps)
    self.cpuReads = cpuReads
  }

  /// Runs one sample of a single-input graph through the reference model; returns the model outputs by name.
  public func run(sample: Tensor) throws(FinchOffloadError) -> [String: Tensor] {
    guard graph.inputs.count == 1 else { throw .run("run(sample:) needs a graph with one input; this one has \(graph.inputs.count)") }
    return try trace([graph.inputs[0]: sample]).outputs
  }

  /// Runs one feed of raw model inputs through a fresh ``ModelDriver``; returns the outputs and every call's activity.
  public func trace(_ feed: [String: Tensor]) throws(FinchOffloadError) -> Trace {
    var session = try OffloadSession(self, driver: ModelDriver(engine: schedule.engine))
    let outputs = try session.run(feed).outputs
    return Trace(outputs: outputs, calls: session.driver.activities)
  }

  // MARK: - Host side, for OffloadSession

  /// The graph type and record element type of a value the host reads or writes.
  struct HostValue {
    var type: ValueType
    var element: DataType
  }

  /// The host prologue on `feed`: the network input the engine's first layer reads.
  func networkInput(_ feed: [String: Tensor]) throws(FinchOffloadError) -> (Tensor, DataType) {
    guard let x = try interpret(prologue, feed, "the host prologue")[prologue.outputs[0]] else {
      throw .run("the host prologue did not compute \(prologue.outputs[0])")
    }
    return (x, try layer(firstLayer).inputType)
  }

  /// What the last hardware layer leaves in its buffer, as the epilogue reads it.
  func networkOutput() throws(FinchOffloadError) -> HostValue {
    HostValue(type: try type(of: epilogue.inputs[0]), element: try layer(lastLayer).outputType)
  }

  /// The host epilogue on the last hardware layer's output: the model outputs.
  func outputs(_ y: Tensor) throws(FinchOffloadError) -> [String: Tensor] {
    try interpret(epilogue, [epilogue.inputs[0]: y], "the host epilogue")
  }

  /// A CPU step's layers, checked against the graph's hardware layers `nodes`.
  private static func nodes(of step: Step, in nodes: [String: Node]) throws(FinchOffloadError) -> (first: Node, last: Node, all: [Node]) {
    let run = step.layers.compactMap { nodes[$0] }
    guard let first = run.first, let last = run.last, run.count == step.layers.count else { throw .run("a CPU step runs unknown layers \(step.layers)") }
    return (first, last, run)
  }

  /// What a CPU step reads from its input buffers, in the order of its `inputs`.
  func cpuInputs(_ step: Step) throws(FinchOffloadError) -> [HostValue] {
    var values: [HostValue] = []
    for value in try reads(of: step) {
      let t = try type(of: value)
      values.append(HostValue(type: t, element: t.dataType))
    }
    return values
  }

  /// A CPU step on the CPU backend, given what it reads (in the order of its
  /// `inputs`): its output and the element type its buffer records hold.
  func cpuRun(_ step: Step, _ inputs: [Tensor]) throws(FinchOffloadError) -> (Tensor, DataType) {
    let (first, last, _) = try Self.nodes(of: step, in: nodes)
    let feed = Dictionary(zip(try reads(of: step), inputs).map { $0 }, uniquingKeysWith: { a, _ in a })
    return (try cpuPlans.run(first.name, feed), try layer(last.name).outputType)
  }

  /// The graph values a CPU step reads.
  private func reads(of step: Step) throws(FinchOffloadError) -> [String] {
    guard let first = step.layers.first, let reads = cpuReads[first] else { throw .run("no CPU step starts at '\(step.layers.first ?? "")'") }
    return reads
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
