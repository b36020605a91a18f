import FinchIR

extension Pipeline {
  /// Standard ONNX in QDQ form (no custom-domain ops) computing what the QONNX
  /// graph computes: quantized weights become `INT8`/`UINT8` constants feeding
  /// `DequantizeLinear`, activation quantizers `[Clip ->] QuantizeLinear ->
  /// DequantizeLinear`. Fails, naming the node, for what QDQ cannot express
  /// exactly (see ``WriteQuantizersAsQDQ``, ``RequireStandardOps``).
  public static let qdq = Pipeline([
    .pass(RequireStandardOps(format: "QDQ")),
    .pass(WriteWeightsAsDequantizeLinear()),
    .pass(WriteQuantizersAsQDQ()),
  ])

  /// Plain float ONNX computing what the QONNX graph computes, bit for bit for
  /// finite inputs: quantized weights folded to floats, activation quantizers
  /// written as float arithmetic (see ``WriteQuantizersAsFloatOps``).
  public static let floatONNX = Pipeline([
    .pass(RequireStandardOps(format: "float ONNX")),
    .pass(FoldQuantizedWeights()),
    .pass(WriteQuantizersAsFloatOps()),
  ])
}
