import FinchIR

extension Pipeline {
  /// Streamlining: integer weights, activation chains folded into thresholds.
  public static let streamline = Pipeline([
    .fixedPoint(
      [FoldConstants(), FoldWeightQuantizers(), MoveScalarMulPastLinear(), ConvertQuantizersToThresholds()], maxRounds: 16)
  ])
}
