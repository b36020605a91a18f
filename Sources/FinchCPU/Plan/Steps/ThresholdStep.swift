import FinchIR

/// Multi-threshold activation on the CPU: `outScale · #{t : x >= t} + outBias`
/// per element, with per-channel (or shared) float thresholds.
///
/// Thresholds are sorted once per channel and searched; when the input is a
/// narrow integer type, every channel's answers are tabulated instead.
final class ThresholdStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel: String
  let itemsPerSample: Int
  private let input: ValueBuffer, output: ValueBuffer
  private let channels: Int, inner: Int, steps: Int
  private let sorted: [Float]
  private let outScale: Float, outBias: Float
  /// Output levels `[channels, max - min + 1]` for integer inputs `min...max`.
  private let table: [Int16]?
  private let tableMin: Int
  /// Entries per channel in `table`.
  private let tableStride: Int

  init(
    node: String, attributes m: MultiThreshold, input: ValueBuffer, inputType: DataType, output: ValueBuffer,
    thresholds: Tensor
  ) throws(CPUPlanError) {
    self.node = node
    self.input = input
    self.output = output
    let s = input.sampleShape
    guard s.rank >= 2, thresholds.shape.rank == 2 else {
      throw .unsupportedGraph("thresholds of \(node) need input rank >= 2 and thresholds [C, B]")
    }
    let axis = m.channelsLast ? s.rank - 1 : 1
    let t = thresholds.floats
    guard !t.contains(where: \.isNaN) else { throw .unsupportedGraph("thresholds of \(node) contain NaN") }
    channels = thresholds.shape[0]
    steps = thresholds.shape[1]
    guard channels == 1 || channels == s[axis] else {
      throw .unsupportedGraph("\(node) has \(channels) threshold channels for \(s[axis]) input channels")
    }
    inner = s.dims[(axis + 1)...].reduce(1, *)
    itemsPerSample = input.sampleCount
    var sorted = [Float]()
    for c in 0..<channels { sorted += t[(c * steps)..<((c + 1) * steps)].sorted() }
    self.sorted = sorted
    (outScale, outBias) = (m.outScale, m.outBias)
    let span = inputType.isInteger ? inputType.max - inputType.min + 1 : .infinity
    if input.kind == .int16, output.kind == .int16, span * Double(channels) <= 65536 {
      tableMin = Int(inputType.min)
      // Rows of up to 256 entries are padded to 256, the vectorized look-up's size.
      let stride = span <= 256 ? 256 : Int(span)
      var table = [Int16](repeating: 0, count: channels * stride)
      for c in 0..<channels {
        for v in 0..<Int(span) {
          let level = m.outScale * Float(Self.count(Float(tableMin + v), sorted, channel: c, steps)) + m.outBias
          table[c * stride + v] = Int16(level)
        }
      }
      self.table = table
      tableStride = stride
      kernel = "threshold table"
    } else {
      table = nil
      tableMin = 0
      tableStride = 0
      kernel = "threshold search"
    }
  }

  /// Items are elements, sample-major; the channel advances every `inner` elements.
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    var i = items.lowerBound
    while i < items.upperBound {
      // A run of elements sharing one channel.
      let c = channels == 1 ? 0 : ((i % itemsPerSample) / inner) % channels
      let end = channels == 1 ? items.upperBound : min(items.upperBound, i + inner - (i % itemsPerSample) % inner)
      if let table {
        table.withUnsafeBufferPointer { lut in
          TableLookup.lookup(
            UnsafeBufferPointer(rebasing: lut[(c * tableStride)..<((c + 1) * tableStride)]), input.int16 + i, count: end - i,
            offset: Int16(tableMin), into: output.int16 + i)
        }
      } else {
        for k in i..<end { output.set(outScale * Float(Self.count(input.float(at: k), sorted, channel: c, steps)) + outBias, at: k) }
      }
      i = end
    }
  }

  /// How many of channel `c`'s `steps` ascending thresholds in `t` are at most `x` (none for NaN).
  private static func count(_ x: Float, _ t: [Float], channel c: Int, _ steps: Int) -> Int {
    t.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[(c * steps)..<((c + 1) * steps)]).countAtMost(x) }
  }
}
