/// The two accelerators Finch builds for a network (DESIGN.md §1).
public enum Architecture: String, Sendable, Codable, CaseIterable {
  /// One streaming unit per layer, folded for the target (Docs/rtl.md): the
  /// fastest design, when the whole network fits the part.
  case dataflow
  /// One engine called once per layer, weights and activations in off-chip
  /// memory (Docs/offload.md): for networks whose dataflow design does not fit.
  case offload
}

/// What `--arch` asks for: one architecture, or Finch's choice between them
/// (``ArchitectureChoice`` holds the rule).
public enum ArchitectureRequest: String, Sendable, Codable, CaseIterable {
  case dataflow
  case offload
  /// Dataflow when it fits the part and meets the target, else offload.
  case auto
}
