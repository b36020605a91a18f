import FinchIR
import Foundation

/// Imports a Darknet network (`.cfg` and `.weights`) as a Finch graph with
/// Darknet's arithmetic: NCHW, a `[1, C, H, W]` input named `image` (float
/// values, or with `input_bits` each pixel's integer level).
///
/// Sections: `[net]`/`[network]` (`width`, `height`, `channels`; training
/// options are accepted and ignored), `[convolutional]` (`filters`, `size`,
/// `stride`, `pad`/`padding`, `groups`, `batch_normalize`, `binary`, `xnor`,
/// `activation` linear, relu, logistic or leaky), `[maxpool]` (Darknet's padding
/// rule, stride 1 included), `[avgpool]`, `[softmax]`, `[route]`,
/// `[shortcut]`. Finch's own keys make a quantized network fully described
/// (Darknet's format has no activation precision): `input_bits` and
/// `input_scale` in `[net]`, `weight_bits`, `activation_bits` and
/// `activation_scale` in `[convolutional]` (see Docs/darknet.md). Anything
/// else is an error naming the file, line and key.
public enum DarknetImporter {
  /// Imports `cfg` with the weights at `weights` (default: the `.weights`
  /// file beside it with the same base name).
  public static func load(cfg: String, weights: String? = nil) throws(DarknetError) -> Graph {
    try network(cfg: cfg, weights: weights).graph
  }

  /// Imports `cfg` as ``load(cfg:weights:)`` does, with its input and detection heads.
  public static func network(cfg: String, weights: String? = nil) throws(DarknetError) -> DarknetNetwork {
    let config = try DarknetConfig.load(path: cfg)
    var w = try DarknetWeights.load(path: weights ?? defaultWeightsPath(cfg))
    return try network(config, &w, name: URL(fileURLWithPath: cfg).deletingPathExtension().lastPathComponent)
  }

  /// The `.weights` file beside `cfg` with its base name.
  public static func defaultWeightsPath(_ cfg: String) -> String {
    URL(fileURLWithPath: cfg).deletingPathExtension().appendingPathExtension("weights").path
  }

  /// The network of `config`, reading every layer's parameters from `weights`,
  /// which must hold exactly those.
  public static func network(_ config: DarknetConfig, _ weights: inout DarknetWeights, name: String) throws(DarknetError) -> DarknetNetwork {
    var builder = try DarknetGraphBuilder(config: config, name: name)
    for (index, section) in config.sections.dropFirst().enumerated() {
      try builder.add(section, index: index, weights: &weights)
    }
    try weights.checkFullyRead()
    return try builder.finish()
  }
}
