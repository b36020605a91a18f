import FinchCost
import Foundation

/// What the schedule compiler produces and `schedule.json` holds (Docs/offload.md §6):
/// the engine it was made for, the memory map, the ordered steps (engine calls
/// and CPU layers) with the activation layout between them, and why each CPU
/// layer is not on the engine.
public struct Schedule: Sendable, Codable, Equatable {
  /// The `schema_version` this code writes and reads.
  public static let schemaVersion = 2

  public var schemaVersion = Schedule.schemaVersion
  public var engine: EngineConfiguration
  public var memory: MemoryMap
  /// The network input's layout, in activation buffer 0.
  public var input: ActivationLayout
  public var steps: [Step]
  /// Every engine call, in the order the steps make them.
  public var calls: [EngineCall]
  /// The hardware layers left to the CPU, each with its reason.
  public var cpuLayers: [CPULayer]
  /// Host work before and after the hardware layers (from ``HardwarePartition``).
  public var prologue: [HardwarePartition.HostNode]
  public var epilogue: [HardwarePartition.HostNode]

  enum CodingKeys: String, CodingKey {
    case schemaVersion = "schema_version", engine, memory, input, steps, calls
    case cpuLayers = "cpu_layers", prologue, epilogue
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
    guard schemaVersion == Self.schemaVersion else {
      throw FinchOffloadError.invalidSchedule("schema_version \(schemaVersion); this Finch reads \(Self.schemaVersion)")
    }
    engine = try c.decode(EngineConfiguration.self, forKey: .engine)
    memory = try c.decode(MemoryMap.self, forKey: .memory)
    input = try c.decode(ActivationLayout.self, forKey: .input)
    steps = try c.decode([Step].self, forKey: .steps)
    calls = try c.decode([EngineCall].self, forKey: .calls)
    cpuLayers = try c.decode([CPULayer].self, forKey: .cpuLayers)
    prologue = try c.decode([HardwarePartition.HostNode].self, forKey: .prologue)
    epilogue = try c.decode([HardwarePartition.HostNode].self, forKey: .epilogue)
  }

  init(
    engine: EngineConfiguration, memory: MemoryMap, input: ActivationLayout, steps: [Step], calls: [EngineCall], cpuLayers: [CPULayer],
    prologue: [HardwarePartition.HostNode], epilogue: [HardwarePartition.HostNode]
  ) {
    (self.engine, self.memory, self.input, self.steps, self.calls) = (engine, memory, input, steps, calls)
    (self.cpuLayers, self.prologue, self.epilogue) = (cpuLayers, prologue, epilogue)
  }

  /// `schedule.json`: pretty-printed, keys sorted.
  public func json() throws(FinchOffloadError) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do { return try encoder.encode(self) } catch { throw .invalidSchedule("cannot encode: \(error)") }
  }

  /// Reads `schedule.json`.
  public static func load(json data: Data) throws(FinchOffloadError) -> Schedule {
    do {
      return try JSONDecoder().decode(Schedule.self, from: data)
    } catch let error as FinchOffloadError {
      throw error
    } catch {
      throw .invalidSchedule("does not decode: \(error)")
    }
  }
}

/// How an activation tensor lies in an activation buffer: pixels row-major,
/// each pixel a record of `pixel_words` memory words holding `padded_channels`
/// elements of `element_bits` bits, element 0 in the least significant bits
/// of the record's first word; channels past `channels` hold 0.
public struct ActivationLayout: Sendable, Codable, Equatable {
  public var buffer: Int
  public var height: Int
  public var width: Int
  public var channels: Int
  public var paddedChannels: Int
  public var elementBits: Int
  public var pixelWords: Int

  enum CodingKeys: String, CodingKey {
    case buffer, height, width, channels
    case paddedChannels = "padded_channels", elementBits = "element_bits", pixelWords = "pixel_words"
  }

  /// Memory words of the whole tensor.
  public var words: Int { height * width * pixelWords }
}

/// One step of a schedule: engine calls for a group of layers, or layers the CPU runs.
public struct Step: Sendable, Codable, Equatable {
  public enum Kind: String, Sendable, Codable { case engine, cpu }
  public var kind: Kind
  /// The hardware layers the step runs, in stream order.
  public var layers: [String]
  /// Engine steps: indices into ``Schedule/calls`` (one per output-channel tile).
  public var calls: [Int]
  /// What the step reads: one tensor, or two for a sum or concatenation of
  /// two streams (in the layer's input order); an engine step reads one.
  public var inputs: [ActivationLayout]
  public var output: ActivationLayout
}

/// A hardware layer the CPU runs, and why.
public struct CPULayer: Sendable, Codable, Equatable {
  public var name: String
  public var op: String
  public var reason: String
}

/// One engine call: one output-channel tile of a conv, conv+pool or FC layer group.
public struct EngineCall: Sendable, Codable, Equatable {
  /// One register's value (addresses relative to the runtime's base address).
  public struct RegisterValue: Sendable, Codable, Equatable {
    public var name: EngineRegister
    public var offset: Int
    public var value: UInt32
  }

  public var index: Int
  /// The MVAU's name; with its SWU and max-pool when the call has them.
  public var layers: [String]
  public var mvau: String
  public var tile: Int
  public var tiles: Int
  /// The first output channel of this tile and the channels it computes.
  public var firstChannel: Int
  public var channels: Int
  /// Cycle model inputs: PE groups in this tile, input words per PE group per output pixel (`K²·C/SIMD`), conv output pixels.
  public var peGroups: Int
  public var simdFolds: Int
  public var outputPixels: Int
  /// Memory words the call moves: weights, thresholds, activations read and written.
  public var weightWords: Int
  public var thresholdWords: Int
  public var readWords: Int
  public var writeWords: Int
  public var registers: [RegisterValue]

  enum CodingKeys: String, CodingKey {
    case index, layers, mvau, tile, tiles, channels, registers
    case firstChannel = "first_channel", peGroups = "pe_groups", simdFolds = "simd_folds", outputPixels = "output_pixels"
    case weightWords = "weight_words", thresholdWords = "threshold_words", readWords = "read_words", writeWords = "write_words"
  }

  /// The value of `register` in this call.
  public subscript(register: EngineRegister) -> UInt32? { registers.first { $0.name == register }?.value }
}

/// Where everything lies in the engine's memory (byte offsets from the runtime's base).
public struct MemoryMap: Sendable, Codable, Equatable {
  /// A named byte range.
  public struct Region: Sendable, Codable, Equatable {
    public var name: String
    public var offset: Int
    public var bytes: Int
  }
  /// Every region starts at a multiple of this many bytes.
  public var alignment: Int
  /// Bytes of the memory image file: the weight and threshold regions.
  public var imageBytes: Int
  /// Bytes the runtime allocates: the image, then the activation buffers.
  public var totalBytes: Int
  /// Weight and threshold regions, one each per call (thresholds only with thresholds).
  public var regions: [Region]
  /// The two activation buffers the steps alternate between.
  public var activationBuffers: [Region]

  enum CodingKeys: String, CodingKey {
    case alignment, regions
    case imageBytes = "image_bytes", totalBytes = "total_bytes", activationBuffers = "activation_buffers"
  }
}
