/// ``StreamSimulation`` of a pipeline that branches (fan-outs, sums and
/// concatenations of two streams): the same handshake units, connected as
/// the pipeline's sources say, plus finch_dup's, finch_add's and
/// finch_concat's handshakes, cycle by cycle with no shortcuts. Every
/// `m_tvalid` comes from registers, so a cycle reads every unit's output
/// valid, then each unit's input ready from the last unit back to the first
/// (a fan-out's from both its readers', a sum's from both its inputs' valids
/// and its reader's ready, a concatenation's for the input whose turn it is),
/// then clocks every unit.
struct GraphStreamSimulation {
  /// One unit: a library module's handshake (``HandshakeChain`` unit), a
  /// fan-out, a sum, or a concatenation of `words` per pixel from each input.
  private enum Node {
    case unit(Int)
    case dup
    case add
    case concat(words: [Int])
  }
  private var chain = HandshakeChain()
  private var nodes: [Node] = []
  /// Flat per node and port (`2·node + port`): the output each input reads,
  /// and the input each output feeds (`2·node + input`); -1: the testbench.
  private var source: [Int] = [], reader: [Int] = []
  /// Per FIFO element of the pipeline, its node; per node, its FIFO (in that order) or -1.
  private var fifoNodes: [(element: Int, node: Int)] = [], fifoOf: [Int] = []
  private let inputWords: Int, wordsPerFrame: Int

  /// The units of `pipeline`, FIFOs as deep as `depths` says (by element index; the pipeline's depths elsewhere).
  init(_ pipeline: DataflowPipeline, depths: [Int: Int]) {
    inputWords = pipeline.elements.first?.inputWords ?? 1
    wordsPerFrame = pipeline.elements.last?.outputWords ?? 1
    var last: [Int] = []  // per element, its output node
    for (i, e) in pipeline.elements.enumerated() {
      var from = e.sources.map { (node: last[$0.element], port: $0.port) }
      // Places a node reading `from`; the next reads it.
      func place(_ node: Node) {
        nodes.append(node)
        source += (0..<2).map { k in k < from.count ? 2 * from[k].node + from[k].port : -1 }
        from = [(nodes.count - 1, 0)]
      }
      switch e.kind {
      case .fifo(let depth):
        fifoNodes.append((i, nodes.count))
        chain.append(FIFOHandshake(depth: depths[i] ?? depth))
        place(.unit(chain.count - 1))
      case .dwc:
        chain.append(DWCHandshake(inputBits: e.input.wordBits, outputBits: e.output.wordBits))
        place(.unit(chain.count - 1))
      case .dup: place(.dup)
      case .layer(let l) where pipeline.layers[l].kind == .addStreams: place(.add)
      case .layer(let l) where pipeline.layers[l].kind == .streamingConcat:
        place(.concat(words: pipeline.layers[l].concatWords(pipeline.folding.foldings[l])))
      case .layer(let l):
        let before = chain.count
        StreamSimulation.append(pipeline.layers[l], pipeline.folding.foldings[l], to: &chain)
        for k in before..<chain.count { place(.unit(k)) }
      }
      last.append(nodes.count - 1)
    }
    reader = source.map { _ in -1 }
    for (input, output) in source.enumerated() where output >= 0 { reader[output] = input }
    fifoOf = nodes.map { _ in -1 }
    for (f, node) in fifoNodes.enumerated() { fifoOf[node.node] = f }
  }

  /// Runs `frames` frames as ``StreamSimulation/run(depths:deadlines:)`` does.
  mutating func run(frames: Int, stall: Int, seed: Int, deadlines: [Int]?, limit: Int) -> StreamSimulation.Result {
    let n = nodes.count
    var driver = TestbenchDriver(stall: stall, seed: seed)
    // Flat per node and port (2·node + port): output valids (registers) now and after the clock edge, input readies.
    var valid = [Bool](repeating: false, count: 2 * n), next = valid, inReady = valid
    // A concatenation's input whose turn it is, and the words it has passed of the pixel's part.
    var turn = [Int](repeating: 0, count: n), passed = turn
    var (sent, received, cycle) = (0, 0, 0)
    var frameEnds: [Int] = [], used = [Int](repeating: 0, count: fifoNodes.count), refused = [Int?](repeating: nil, count: fifoNodes.count)
    let limit = deadlines?.prefix(frames).last.map { $0 + 1 } ?? limit
    chain.withUnits { units in
      while frameEnds.count < frames && cycle < limit {
        func sourceValid(_ i: Int, _ k: Int) -> Bool {
          let s = source[2 * i + k]
          return s < 0 ? driver.inputValid : valid[s]
        }
        func outputReady(_ i: Int, _ port: Int) -> Bool {
          let r = reader[2 * i + port]
          return r < 0 ? driver.outputReady : inReady[r]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
          switch nodes[i] {
          case .unit(let k): inReady[2 * i] = units.inputReady(k, outputReady: outputReady(i, 0))
          case .dup: inReady[2 * i] = (!valid[2 * i] || outputReady(i, 0)) && (!valid[2 * i + 1] || outputReady(i, 1))
          case .add:
            let take = sourceValid(i, 0) && sourceValid(i, 1) && (!valid[2 * i] || outputReady(i, 0))
            (inReady[2 * i], inReady[2 * i + 1]) = (take, take)
          case .concat:
            let free = !valid[2 * i] || outputReady(i, 0)
            (inReady[2 * i], inReady[2 * i + 1]) = (free && turn[i] == 0, free && turn[i] == 1)
          }
        }
        cycle += 1
        for i in 0..<n {
          switch nodes[i] {
          case .unit(let k):
            if fifoOf[i] >= 0, sourceValid(i, 0) {
              let f = fifoOf[i]
              if inReady[2 * i] { used[f] = max(used[f], units.fifoCount(f) + 1) } else if refused[f] == nil { refused[f] = cycle }
            }
            next[2 * i] = units.step(
              k, inputValid: sourceValid(i, 0), inputReady: inReady[2 * i], outputValid: valid[2 * i], outputReady: outputReady(i, 0))
          case .dup:
            let push = sourceValid(i, 0) && inReady[2 * i]
            for p in 0..<2 { next[2 * i + p] = push || (valid[2 * i + p] && !outputReady(i, p)) }
          case .add:
            next[2 * i] = inReady[2 * i] || (valid[2 * i] && !outputReady(i, 0))
          case .concat(let words):
            let take = sourceValid(i, turn[i]) && inReady[2 * i + turn[i]]
            next[2 * i] = take || (valid[2 * i] && !outputReady(i, 0))
            if take {
              passed[i] += 1
              if passed[i] == words[turn[i]] { (passed[i], turn[i]) = (0, 1 - turn[i]) }
            }
          }
        }
        let inputTaken = driver.inputValid && inReady[0]
        if valid[2 * (n - 1)] && driver.outputReady {
          received += 1
          if received % wordsPerFrame == 0 { frameEnds.append(cycle) }
        }
        if inputTaken { sent += 1 }
        driver.clock(inputAccepted: inputTaken, moreInput: sent < frames * inputWords)
        swap(&valid, &next)
        if let deadlines, frameEnds.count < deadlines.count, cycle >= deadlines[frameEnds.count] { break }
      }
    }
    let depthsUsed = Dictionary(uniqueKeysWithValues: zip(fifoNodes.map(\.element), used))
    var result = StreamSimulation.Result(frameEnds: frameEnds, fifoDepthsUsed: depthsUsed, completed: frameEnds.count == frames)
    for (f, cycle) in refused.enumerated() { if let cycle { result.firstRefusals[fifoNodes[f].element] = cycle } }
    return result
  }
}
