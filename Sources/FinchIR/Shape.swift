/// The dimensions of a tensor, outermost first.
public struct Shape: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
  /// The most elements one tensor may have (2^28, 1 GiB of float32): larger
  /// shapes are refused where they are declared or inferred, so that a model
  /// cannot make Finch allocate without bound (see Docs/limits.md).
  public static let maxElementCount = 1 << 28

  /// The size of each dimension.
  public var dims: [Int]

  /// Creates a shape without checking it; use ``validated(_:)`` for untrusted dimensions.
  public init(_ dims: [Int]) { self.dims = dims }

  public init(arrayLiteral elements: Int...) { self.dims = elements }

  /// A shape checked to have non-negative dimensions and at most ``maxElementCount`` elements.
  /// An empty shape (one with a zero dimension) is held to the same bound on the product of
  /// its other dimensions, so that no product of a validated shape's dimensions can overflow.
  public static func validated(_ dims: [Int]) throws(ShapeError) -> Shape {
    var count = 1
    for d in dims {
      guard d >= 0 else { throw .negativeDimension(dims) }
      let (product, overflow) = count.multipliedReportingOverflow(by: Swift.max(d, 1))
      guard !overflow, product <= maxElementCount else { throw .tooLarge(dims) }
      count = product
    }
    return Shape(dims)
  }

  /// The number of dimensions.
  public var rank: Int { dims.count }

  /// The number of elements (the product of the dimensions).
  public var elementCount: Int { dims.reduce(1, *) }

  /// Row-major strides, in elements.
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: dims.count)
    var s = 1
    for i in stride(from: dims.count - 1, through: 0, by: -1) {
      result[i] = s
      s *= dims[i]
    }
    return result
  }

  /// The dimension at `axis`, where negative axes count from the end.
  public subscript(axis: Int) -> Int {
    get { dims[axis < 0 ? axis + dims.count : axis] }
    set { dims[axis < 0 ? axis + dims.count : axis] = newValue }
  }

  public var description: String { "[" + dims.map(String.init).joined(separator: ",") + "]" }
}

/// Why a list of dimensions is not a usable shape.
public enum ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
  case negativeDimension([Int])
  case tooLarge([Int])

  public var description: String {
    switch self {
    case .negativeDimension(let d): return "shape \(Shape(d)) has a negative dimension"
    case .tooLarge(let d): return "shape \(Shape(d)) has more than \(Shape.maxElementCount) elements"
    }
  }
}
