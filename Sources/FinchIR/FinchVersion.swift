/// Finch's release version.
public enum FinchVersion {
  /// The version of this source tree: what `finch --version` prints and what
  /// exported models name as their producer version.
  public static let current = "0.1.0"
}
