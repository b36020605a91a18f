/// Darknet's per-class non-maximum suppression (`do_nms_sort`): candidates
/// with objectness 0 are set aside; for each class, candidates in decreasing
/// order of that class's probability (ties: the earlier candidate first)
/// zero the class's probability of every later candidate whose box overlaps
/// theirs by more than `threshold` (intersection over union).
public func suppressNonMaxima(_ candidates: inout [Candidate], threshold: Float) {
  let live = candidates.indices.filter { candidates[$0].objectness != 0 }
  guard let classes = candidates.first?.probabilities.count else { return }
  for k in 0..<classes {
    let order = live.sorted { a, b in
      let (pa, pb) = (candidates[a].probabilities[k], candidates[b].probabilities[k])
      return pa != pb ? pa > pb : a < b
    }
    for (i, a) in order.enumerated() where candidates[a].probabilities[k] != 0 {
      for b in order[(i + 1)...] where candidates[b].probabilities[k] != 0 && candidates[a].box.iou(candidates[b].box) > threshold {
        candidates[b].probabilities[k] = 0
      }
    }
  }
}
