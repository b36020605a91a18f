import FinchIR
import Foundation

/// ONNX element type codes Finch reads (TensorProto.DataType, plus INT4/UINT4 of IR 10).
enum ONNXElement: Int32 {
  case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9
  case double = 11, uint32 = 12, uint64 = 13, uint4 = 21, int4 = 22

  /// The FINN datatype of values of this element type.
  var dataType: DataType {
    switch self {
    case .float, .double: return .float32
    case .uint8: return .uint(8)
    case .int8: return .int(8)
    case .uint16: return .uint(16)
    case .int16: return .int(16)
    case .int32: return .int(32)
    case .int64: return .int(64)
    case .bool: return .binary
    case .uint32: return .uint(32)
    case .uint64: return .uint(64)
    case .uint4: return .uint(4)
    case .int4: return .int(4)
    }
  }

  /// How Finch stores values of this element type.
  var storage: ElementType { self == .float || self == .double ? .float32 : .int64 }

  /// Bytes per value in `raw_data` (4-bit types: see `decode`).
  var byteWidth: Int {
    switch self {
    case .uint8, .int8, .bool, .uint4, .int4: return 1
    case .uint16, .int16: return 2
    case .float, .int32, .uint32: return 4
    case .int64, .double, .uint64: return 8
    }
  }
}

extension Onnx_TensorProto {
  /// Converts to a Finch tensor, checking dimensions and data sizes before allocating.
  func finchTensor(file: String, name: String) throws(ONNXError) -> (Tensor, FinchIR.DataType) {
    func fail(_ reason: String) -> ONNXError { .invalidTensor(file: file, tensor: name, reason: reason) }
    if dataLocation == .external || !externalData.isEmpty {
      throw fail("uses external data; Finch reads self-contained models only (save it with all tensors inside the .onnx file)")
    }
    guard let element = ONNXElement(rawValue: dataType) else { throw fail("element type \(dataType) is not supported") }
    guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Shape.maxElementCount) }) else { throw fail("invalid dimensions \(dims)") }
    let shape: Shape
    do { shape = try Shape.validated(dims.map { Int($0) }) } catch { throw fail(error.description) }
    let n = shape.elementCount
    if hasRawData {
      let needed = element == .uint4 || element == .int4 ? (n + 1) / 2 : n * element.byteWidth
      guard rawData.count == needed else { throw fail("raw_data has \(rawData.count) bytes, shape \(shape) needs \(needed)") }
      return (try Self.decode(rawData, element, shape), element.dataType)
    }
    func check(_ count: Int, _ field: String) throws(ONNXError) {
      guard count == n else { throw fail("\(field) has \(count) values, shape \(shape) needs \(n)") }
    }
    switch element {
    case .float:
      try check(floatData.count, "float_data")
      return (Tensor(shape: shape, floats: floatData), element.dataType)
    case .double:
      try check(doubleData.count, "double_data")
      return (Tensor(shape: shape, floats: doubleData.map { Float($0) }), element.dataType)
    case .int64:
      try check(int64Data.count, "int64_data")
      return (Tensor(shape: shape, int64s: int64Data), element.dataType)
    case .uint32, .uint64:
      try check(uint64Data.count, "uint64_data")
      return (Tensor(shape: shape, int64s: uint64Data.map { Int64(truncatingIfNeeded: $0) }), element.dataType)
    case .uint4, .int4:
      try check((int32Data.count * 2 >= n && int32Data.count <= (n + 1) / 2) ? n : int32Data.count, "int32_data")
      let bytes = Data(int32Data.map { UInt8(truncatingIfNeeded: $0) })
      return (try Self.decode(bytes, element, shape), element.dataType)
    default:
      try check(int32Data.count, "int32_data")
      return (Tensor(shape: shape, int64s: int32Data.map { Int64($0) }), element.dataType)
    }
  }

  /// Decodes little-endian `raw_data`.
  private static func decode(_ raw: Data, _ element: ONNXElement, _ shape: Shape) throws(ONNXError) -> Tensor {
    let n = shape.elementCount
    let bytes = [UInt8](raw)
    func word(_ i: Int, _ width: Int) -> UInt64 {
      var v: UInt64 = 0
      for b in 0..<width { v |= UInt64(bytes[i * width + b]) << (8 * UInt64(b)) }
      return v
    }
    switch element {
    case .float: return Tensor(shape: shape, floats: (0..<n).map { Float(bitPattern: UInt32(word($0, 4))) })
    case .double: return Tensor(shape: shape, floats: (0..<n).map { Float(Double(bitPattern: word($0, 8))) })
    case .int64, .uint64: return Tensor(shape: shape, int64s: (0..<n).map { Int64(bitPattern: word($0, 8)) })
    case .int32: return Tensor(shape: shape, int64s: (0..<n).map { Int64(Int32(bitPattern: UInt32(word($0, 4)))) })
    case .uint32: return Tensor(shape: shape, int64s: (0..<n).map { Int64(word($0, 4)) })
    case .int16: return Tensor(shape: shape, int64s: (0..<n).map { Int64(Int16(bitPattern: UInt16(word($0, 2)))) })
    case .uint16: return Tensor(shape: shape, int64s: (0..<n).map { Int64(word($0, 2)) })
    case .int8: return Tensor(shape: shape, int64s: bytes.map { Int64(Int8(bitPattern: $0)) })
    case .uint8, .bool: return Tensor(shape: shape, int64s: bytes.map { Int64($0) })
    case .uint4, .int4:
      let values: [Int64] = (0..<n).map { i in
        let nibble = (bytes[i / 2] >> (i % 2 == 0 ? 0 : 4)) & 0xF
        return element == .int4 && nibble >= 8 ? Int64(nibble) - 16 : Int64(nibble)
      }
      return Tensor(shape: shape, int64s: values)
    }
  }

  /// An ONNX tensor holding `tensor` (float32 or int64, in `raw_data`).
  init(name: String, tensor: Tensor) {
    self.init()
    self.name = name
    dims = tensor.shape.dims.map { Int64($0) }
    var raw = [UInt8]()
    switch tensor.storage {
    case .float32(let v):
      dataType = ONNXElement.float.rawValue
      raw.reserveCapacity(v.count * 4)
      for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
    case .int64(let v):
      dataType = ONNXElement.int64.rawValue
      raw.reserveCapacity(v.count * 8)
      for x in v { withUnsafeBytes(of: x.littleEndian) { raw.append(contentsOf: $0) } }
    }
    rawData = Data(raw)
  }
}
