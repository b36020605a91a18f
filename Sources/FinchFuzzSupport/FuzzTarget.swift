import FinchCost
import FinchDarknet
import FinchIR
import FinchONNX
import Foundation

/// The parsers Finch runs on files a user hands it, each as one fuzz target:
/// any bytes must give a value or a thrown error, never a trap, and what
/// decodes must survive a round trip.
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// `ONNXImporter.decode`: protobuf decoding, op mapping, type inference, verification.
  case onnx
  /// `NPY.decode`, then `NPY.encode` and decode again to the same tensor.
  case npy
  /// `FoldingConfig.decode` (`--folding`, both forms), then a JSON round trip.
  case folding
  /// The Darknet importer: a 4-byte little-endian length, that many bytes of
  /// `.cfg` text, then the `.weights` bytes (scripts/fuzz.sh writes seeds so).
  case darknet

  /// Feeds `bytes` to the target's parser. Returns normally whether the input
  /// was accepted or rejected; traps when a round trip disagrees.
  public func run(_ bytes: Data) {
    switch self {
    case .onnx:
      _ = try? ONNXImporter.decode(bytes, file: "fuzz.onnx")
    case .npy:
      guard let tensor = try? NPY.decode([UInt8](bytes)) else { return }
      let again: Tensor
      do { again = try NPY.decode(NPY.encode(tensor)) } catch { fatalError("NPY round trip: re-encoded tensor does not decode: \(error)") }
      precondition(again.shape == tensor.shape, "NPY round trip changed shape \(tensor.shape) to \(again.shape)")
      switch (tensor.storage, again.storage) {
      case (.float32(let a), .float32(let b)):
        precondition(a.map(\.bitPattern) == b.map(\.bitPattern), "NPY round trip changed float values")
      case (.int64(let a), .int64(let b)):
        precondition(a == b, "NPY round trip changed integer values")
      default:
        preconditionFailure("NPY round trip changed the element type")
      }
    case .darknet:
      guard bytes.count >= 4 else { return }
      let length = Int(bytes.prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
      guard length <= bytes.count - 4, let text = String(data: bytes.dropFirst(4).prefix(length), encoding: .utf8),
        let config = try? DarknetConfig(text: text, file: "fuzz.cfg"),
        var weights = try? DarknetWeights(bytes: Data(bytes.dropFirst(4 + length)), file: "fuzz.weights")
      else { return }
      _ = try? DarknetImporter.network(config, &weights, name: "fuzz")
    case .folding:
      guard let loaded = try? FoldingConfig.decode(bytes, path: "fuzz.json") else { return }
      let encoded: Data
      do { encoded = try JSONEncoder().encode(loaded.config) } catch { fatalError("folding round trip: does not encode: \(error)") }
      let again: FoldingConfig.Loaded
      do { again = try FoldingConfig.decode(encoded, path: "fuzz.json") } catch { fatalError("folding round trip: re-encoded folding does not decode: \(error)") }
      precondition(again.config == loaded.config, "folding round trip changed \(loaded.config) to \(again.config)")
    }
  }

  /// What libFuzzer's `-max_len` should be for this target: room for the fixtures.
  public var maxLength: Int {
    switch self {
    case .onnx: return 1 << 20
    case .npy: return 1 << 19
    case .folding: return 1 << 14
    case .darknet: return 1 << 16
    }
  }
}
