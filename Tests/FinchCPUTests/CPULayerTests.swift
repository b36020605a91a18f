import FinchCPU
import FinchIR
import FinchInterpreter
import FinchTestSupport
import XCTest

/// Single hardware layers with random configurations — odd channel counts,
/// padding with either bipolar value, strides, widths around the 64-bit word —
/// run by the CPU plan and by the interpreter, at batch 1 and 5, on one and two threads.
final class CPULayerTests: XCTestCase {
  /// A convolution (SWU then MVAU), optionally pooled, ending in label select or raw sums.
  func testConvolutionsMatchTheInterpreter() throws {
    var rng = SplitMix64(seed: 61)
    for trial in 0..<40 {
      let xnor = trial % 2 == 0
      let inType: DataType = xnor ? .bipolar : rng.pick([.int(3), .uint(4), .int(8), .uint(8)])
      let weightType: DataType = xnor ? .bipolar : rng.pick([.int(2), .bipolar, .int(4)])
      let c = rng.pick([1, 3, 17, 64, 65, 100]), k = rng.int(1...3), stride = rng.int(1...2), pad = rng.int(0...1)
      let h = rng.int(k...7), w = rng.int(k...7), mh = rng.pick([1, 5, 16, 33])
      let padValue: Float = inType == .bipolar ? rng.pick([-1, 1]) : 0
      var g = Graph(name: "layer", inputs: ["x"], outputs: [], nodes: [], initializers: [:], types: [:])
      g.types["x"] = ValueType(shape: [1, h, w, c], dataType: inType)
      let swu = SWU(kernel: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [1, 1], padValue: padValue)
      g.nodes.append(Node(name: "swu", op: .swu(swu), inputs: ["x"], outputs: ["windows"]))
      let mw = k * k * c
      g.initializers["w"] = Tensor(shape: [mw, mh], floats: (0..<(mw * mh)).map { _ in Self.value(weightType, &rng) })
      g.types["w"] = ValueType(shape: [mw, mh], dataType: weightType)
      let thresholded = rng.chance(0.6)
      var mvauInputs = ["windows", "w"]
      var m = MVAU(xnor: xnor)
      if thresholded {
        let steps = rng.pick([1, 3, 15])
        let bound = Double(mw) * max(abs(inType.min), inType.max) * 2
        g.initializers["t"] = Tensor(shape: [mh, steps], floats: (0..<(mh * steps)).map { _ in Float(rng.int(-Int(bound)...Int(bound))) })
        mvauInputs.append("t")
        let bias = steps == 1 ? 0 : -(steps / 2)
        // Levels bias ... bias + steps, so 3 steps need INT3 and 15 INT5 (the verifier checks).
        m = MVAU(xnor: xnor, outScale: 1, outBias: bias, outType: .smallestInteger(min: Double(bias), max: Double(bias + steps)))
      }
      g.nodes.append(Node(name: "mvau", op: .mvau(m), inputs: mvauInputs, outputs: ["y"]))
      var last = "y"
      if thresholded && rng.chance(0.5) {
        g.nodes.append(Node(name: "pool", op: .streamingMaxPool(kernel: [1, 1], strides: [1, 1]), inputs: ["y"], outputs: ["pooled"]))
        last = "pooled"
      }
      if rng.chance(0.5) {
        g.nodes.append(Node(name: "select", op: .labelSelect(k: min(3, mh)), inputs: [last], outputs: ["labels"]))
        last = "labels"
      }
      g.outputs = [last]
      try g.inferTypes()
      try g.verify()
      let config = "trial \(trial): \(inType) x \(weightType), \(h)x\(w)x\(c), k\(k) s\(stride) p\(pad) (pad value \(padValue)), MH \(mh)"
      try Self.check(g, config: config, seed: UInt64(trial))
    }
  }

  /// 8-bit outputs whose thresholds are a uniform quantizer's (ceilings of an
  /// arithmetic progression, odd spacings included) take the multiply-and-shift
  /// requantization; a perturbed set keeps the threshold search; both exact.
  func testWideOutputsRequantizeExactly() throws {
    var rng = SplitMix64(seed: 97)
    for (trial, spacing) in [2.7, 1.0, 13.37, 1.5, 100.25, 7.0].enumerated() {
      for perturbed in [false, true] {
        let (mw, mh, steps) = (rng.pick([20, 64, 130]), rng.pick([3, 16, 33]), 255)
        var g = Graph(name: "wide", inputs: ["x"], outputs: ["y"], nodes: [], initializers: [:], types: [:])
        g.types["x"] = ValueType(shape: [1, mw], dataType: .int(4))
        g.initializers["w"] = Tensor(shape: [mw, mh], floats: (0..<(mw * mh)).map { _ in Float(rng.int(-7...7)) })
        g.types["w"] = ValueType(shape: [mw, mh], dataType: .int(4))
        var t: [Float] = []
        for _ in 0..<mh {
          let start = rng.uniform(-400, 0)
          t += (0..<steps).map { Float((start + (Double($0) + 0.5) * spacing).rounded(.up)) }
          if perturbed { t[t.count - 100] += 1 }
        }
        g.initializers["t"] = Tensor(shape: [mh, steps], floats: t)
        g.nodes.append(
          Node(name: "mvau", op: .mvau(MVAU(xnor: false, outScale: 1, outBias: -128, outType: .int(8))), inputs: ["x", "w", "t"],
               outputs: ["y"]))
        try g.inferTypes()
        try g.verify()
        let config = "trial \(trial): spacing \(spacing), MW \(mw), MH \(mh), perturbed \(perturbed)"
        let plan = try CPUPlan(graph: g, maxBatch: 4, threads: 1)
        let kernel = try XCTUnwrap(plan.kernels.first?.kernel)
        XCTAssertEqual(kernel.hasSuffix("requantization"), !perturbed, "\(config): \(kernel)")
        try Self.check(g, config: config, seed: UInt64(trial))
      }
    }
  }

  /// Runs `graph` on random inputs in the plan and the interpreter and compares.
  static func check(_ graph: Graph, config: String, seed: UInt64) throws {
    let reference = Interpreter(graph: graph)
    for (batch, threads) in [(1, 1), (5, 2), (2, 2)] {
      let x = RandomQNN.inputs(for: graph, samples: batch, seed: seed)
      let expected = try XCTUnwrap(try reference.runBatch(x)[graph.outputs[0]])
      let plan = try CPUPlan(graph: graph, maxBatch: 4, threads: threads)
      XCTAssertEqual(plan.fallbackNodes.map(\.node), [], config)
      assertBitExact(try XCTUnwrap(try plan.run(x)[graph.outputs[0]]), expected, "\(config), batch \(batch), \(threads) threads")
    }
  }

  static func value(_ type: DataType, _ rng: inout SplitMix64) -> Float {
    type == .bipolar ? (rng.chance(0.5) ? 1 : -1) : Float(rng.int(Int(type.min)...Int(type.max)))
  }
}
