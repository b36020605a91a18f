/// One node of a compiled plan, with its weights prepared and its buffers bound.
///
/// A step's work is divided into items (output rows, pixels or elements), a
/// fixed number per sample; any disjoint ranges of items may run concurrently.
protocol PlanStep: AnyObject, Sendable {
  /// The graph node this step computes (for reports and errors).
  var node: String { get }
  /// The kernel that runs it, e.g. "binary GEMM" or "interpreter".
  var kernel: String { get }
  /// Work items per sample.
  var itemsPerSample: Int { get }
  /// Roughly how many basic operations one item costs (to decide whether splitting pays).
  var costPerItem: Int { get }
  /// Scratch bytes one worker needs to run any range of items.
  var scratchBytes: Int { get }
  /// Computes items `items`, using `scratch` (at least `scratchBytes`, 64-byte aligned, owned by the caller).
  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) throws(CPUPlanError)
}

extension PlanStep {
  var costPerItem: Int { 1 }
  var scratchBytes: Int { 0 }
}
