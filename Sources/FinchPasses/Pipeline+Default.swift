import FinchIR

extension Pipeline {
  /// Cleanup and streamlining: integer weights, activation chains folded into exact thresholds.
  public static let streamline = Pipeline([
    .fixedPoint(
      [
        RemoveIdentities(), FoldConstants(), FoldWeightQuantizers(), CopyScalesAtForks(), MoveScalarMulPastLinear(),
        SplitIntegerAveragePool(), ConvertQuantizersToThresholds(), FactorScaleOutOfAdd(), FactorScaleOutOfConcat(),
      ],
      maxRounds: 16)
  ])

  /// Lowering to NHWC hardware layers: SWU + MVAU (or VVAU), streaming max-pool,
  /// stream adders and concatenations, thresholding, label select.
  public static let lower = Pipeline([
    .pass(LowerConvToSWU()),
    .pass(LowerAddToStreams()),
    .pass(LowerConcatToStreams()),
    .pass(LowerMaxPool()),
    .pass(RemoveTransposes()),
    .pass(SpecializeLayers()),
  ])

  /// The whole compile pipeline: streamlining, then lowering.
  public static let compile = Pipeline(streamline.stages + lower.stages)
}
