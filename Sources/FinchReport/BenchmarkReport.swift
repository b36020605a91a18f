/// What `finch bench` measured: what `--json` prints.
public struct BenchmarkReport: Encodable, Sendable {
  /// One step of the CPU plan: its median time per batch and share of the total.
  public struct LayerTime: Encodable, Sendable {
    public var node: String
    public var kernel: String
    public var milliseconds: Double
    public var share: Double

    public init(node: String, kernel: String, milliseconds: Double, share: Double) {
      (self.node, self.kernel, self.milliseconds, self.share) = (node, kernel, milliseconds, share)
    }
  }

  public var backend: String
  public var isa: String
  public var batch: Int
  public var threads: Int
  public var framesPerSecond: Double
  public var latencyMsP50: Double
  public var latencyMsP99: Double
  public var gops: Double
  public var batches: Int
  public var interpreterNodes: [String]
  /// With `--layers`: every step of the CPU plan, slowest first.
  public var layers: [LayerTime]?

  enum CodingKeys: String, CodingKey {
    case backend, isa, batch, threads, batches, layers
    case framesPerSecond = "frames_per_second", latencyMsP50 = "latency_ms_p50", latencyMsP99 = "latency_ms_p99"
    case gops, interpreterNodes = "interpreter_nodes"
  }

  public init(
    backend: String, isa: String, batch: Int, threads: Int, framesPerSecond: Double, latencyMsP50: Double, latencyMsP99: Double,
    gops: Double, batches: Int, interpreterNodes: [String], layers: [LayerTime]? = nil
  ) {
    (self.backend, self.isa, self.batch, self.threads) = (backend, isa, batch, threads)
    (self.framesPerSecond, self.latencyMsP50, self.latencyMsP99, self.gops) = (framesPerSecond, latencyMsP50, latencyMsP99, gops)
    (self.batches, self.interpreterNodes, self.layers) = (batches, interpreterNodes, layers)
  }
}
