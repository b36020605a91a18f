import FinchIR

extension Pipeline {
  /// Cleanup and streamlining: integer weights, activation chains folded into exact thresholds.
  public static let streamline = Pipeline([
    .fixedPoint(
      [RemoveIdentities(), FoldConstants(), FoldWeightQuantizers(), MoveScalarMulPastLinear(), ConvertQuantizersToThresholds()],
      maxRounds: 16)
  ])

  /// Lowering to NHWC hardware layers: SWU + MVAU, streaming max-pool, thresholding, label select.
  public static let lower = Pipeline([
    .pass(LowerConvToSWU()),
    .pass(LowerMaxPool()),
    .pass(RemoveTransposes()),
    .pass(SpecializeLayers()),
  ])

  /// The whole compile pipeline: streamlining, then lowering.
  public static let compile = Pipeline(streamline.stages + lower.stages)
}
