import FinchCost

/// The values a hardware layer list (in stream order) passes between its
/// layers: what each layer reads and writes, by name. The schedule compiler
/// groups layers and gives each value a buffer from it; the runtime feeds a
/// CPU step's graph from it, so both agree on what a step reads. A layer
/// that names no input (a list built by hand) reads the layer before it.
struct LayerStreams {
  /// The value each layer reads, per input port (two for a sum or a concatenation).
  let inputs: [[String]]
  /// The value each layer writes.
  let outputs: [String]
  /// The network input: what the first layer reads.
  var networkInput: String { inputs.first?.first ?? "" }
  /// The network output: what the last layer writes (the host reads it).
  var networkOutput: String { outputs.last ?? "" }

  /// A value a group of layers reads from outside the group: the reading layer, its input port and the value.
  struct Read: Equatable {
    var layer: Int
    var port: Int
    var value: String
  }

  init(_ layers: [HardwareLayer]) {
    var inputs: [[String]] = [], outputs: [String] = []
    for (i, l) in layers.enumerated() {
      inputs.append(l.streamInputs.isEmpty ? [i == 0 ? "network input" : outputs[i - 1]] : l.streamInputs)
      outputs.append(l.streamOutput.isEmpty ? "output of layer \(i)" : l.streamOutput)
    }
    (self.inputs, self.outputs) = (inputs, outputs)
  }

  /// The values layers `group` read that no layer of the group writes, in
  /// layer and port order.
  func reads(_ group: Range<Int>) -> [Read] {
    let written = Set(group.map { outputs[$0] })
    return group.flatMap { i in inputs[i].enumerated().compactMap { written.contains($1) ? nil : Read(layer: i, port: $0, value: $1) } }
  }

  /// How many layer inputs read `value`, plus one for the network output (the host reads it).
  func readers(of value: String) -> Int {
    inputs.reduce(0) { $0 + $1.filter { $0 == value }.count } + (value == networkOutput ? 1 : 0)
  }

  /// Whether layer `i` reads exactly what layer `i − 1` writes, and nothing else does: the two can run as one engine call.
  func onlyReaderOfPrevious(_ i: Int) -> Bool {
    i > 0 && inputs[i] == [outputs[i - 1]] && readers(of: outputs[i - 1]) == 1
  }
}
