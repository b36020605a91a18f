import Foundation

extension TextReport {
  /// Speed, latency and throughput, and with per-layer times the slowest steps first.
  public static func bench(_ r: BenchmarkReport) -> String {
    var lines = [
      "backend     \(r.backend)\(r.backend == "cpu" ? " (\(r.isa) kernels)" : ""), batch \(r.batch), \(r.threads) thread\(r.threads == 1 ? "" : "s")",
      "frames/s    \(String(format: "%.0f", r.framesPerSecond))",
      "latency     p50 \(String(format: "%.3f", r.latencyMsP50)) ms, p99 \(String(format: "%.3f", r.latencyMsP99)) ms per batch (\(r.batches) batches)",
      "GOPS        \(String(format: "%.2f", r.gops))",
    ]
    if !r.interpreterNodes.isEmpty { lines.append("interpreter \(r.interpreterNodes.joined(separator: ", ")) (no fast kernel)") }
    if let layers = r.layers {
      var rows = [["layer", "kernel", "time/batch", "share"]]
      rows += layers.map { [$0.node, $0.kernel, String(format: "%.3f ms", $0.milliseconds), String(format: "%.1f%%", 100 * $0.share)] }
      lines.append(TextTable.align(rows, leftColumns: 2))
    }
    return lines.joined(separator: "\n")
  }
}
