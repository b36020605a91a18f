import FinchIR

/// A bipolar NHWC image packed one bit per value (bit 1 = +1), each image row a
/// bit string of `width · channels` bits padded to whole words, for assembling
/// XNOR convolution windows without writing out the int16 im2col matrix: the
/// `kW` horizontal taps of a window row are contiguous bits in it.
final class PackedPixels: @unchecked Sendable {
  let (height, width, channels): (Int, Int, Int)
  /// Words per image row.
  let rowWords: Int
  let wordsPerSample: Int
  let words: UnsafeMutablePointer<UInt64>

  init(height: Int, width: Int, channels: Int, capacity: Int) {
    (self.height, self.width, self.channels) = (height, width, channels)
    rowWords = BinaryGEMM.wordsPerRow(bits: width * channels)
    wordsPerSample = height * rowWords
    words = .allocate(capacity: max(1, wordsPerSample * capacity))
    words.initialize(repeating: 0, count: max(1, wordsPerSample * capacity))
  }

  deinit { words.deallocate() }

  /// Writes windows `first ..< first + count` of `geometry` as bit rows
  /// (padding bits `padBit`), `rowWords` words apart, into `rows`.
  func windows(
    _ first: Int, count: Int, _ geometry: WindowGeometry, padBit: Bool, into rows: UnsafeMutablePointer<UInt64>, rowWords: Int
  ) {
    let c = channels
    let (span, kh, imageStep, xStep) = (geometry.kernelWidth &* c, geometry.kernelHeight, geometry.dilationY &* self.rowWords, geometry.strideX &* c)
    geometry.forEachRun(from: first, count: count) { cursor, run, i in
      let top = words + cursor.sample &* wordsPerSample + cursor.top &* self.rowWords
      var from = cursor.left &* c
      var row = rows + i &* rowWords
      for _ in 0..<run {
        // Streamed into registers and stored a word at a time: no read-modify-write of the row.
        var writer = BitWriter(row)
        var source = top
        for _ in 0..<kh {
          var (at, remaining) = (from, span)
          while remaining > 0 {
            let n = min(64, remaining)
            writer.append(Self.bits(source, at: at, count: n), count: n)
            (at, remaining) = (at &+ n, remaining &- n)
          }
          source += imageStep
        }
        writer.finish(words: rowWords)
        from &+= xStep
        row += rowWords
      }
    } border: { cursor, i in
      window(cursor, geometry, padBit: padBit, into: rows + i &* rowWords, rowWords: rowWords)
    }
  }

  /// Writes the window at `at` of `geometry` as one bit row (padding bits
  /// `padBit`) into `row`, which has `rowWords` words.
  @inline(__always)
  func window(
    _ at: WindowCursor, _ geometry: WindowGeometry, padBit: Bool, into row: UnsafeMutablePointer<UInt64>, rowWords: Int
  ) {
    for w in 0..<rowWords { row[w] = 0 }
    let image = words + at.sample * wordsPerSample
    let (y0, x0, c) = (at.top, at.left, channels)
    let (kh, kw, dy, dx) = (geometry.kernelHeight, geometry.kernelWidth, geometry.dilationY, geometry.dilationX)
    let span = kw &* c
    let wholeRows = dx == 1 && x0 >= 0 && x0 + kw <= width
    var offset = 0
    for ky in 0..<kh {
      let iy = y0 + ky * dy
      let inside = iy >= 0 && iy < height
      if inside && wholeRows {
        Self.copyBits(from: image + iy * self.rowWords, at: x0 * c, count: span, to: row, at: offset)
      } else {
        for kx in 0..<kw {
          let ix = x0 + kx * dx
          if inside && ix >= 0 && ix < width {
            Self.copyBits(from: image + iy * self.rowWords, at: ix * c, count: c, to: row, at: offset + kx * c)
          } else if padBit {
            Self.setBits(count: c, in: row, at: offset + kx * c)
          }
        }
      }
      offset += span
    }
  }

  /// ORs `count` bits of `source` starting at bit `from` into `destination` at bit `to`
  /// (destination bits there are zero; `source` holds every bit read).
  @inline(__always)
  static func copyBits(
    from source: UnsafePointer<UInt64>, at from: Int, count: Int, to destination: UnsafeMutablePointer<UInt64>, at to: Int
  ) {
    var (from, to, remaining) = (from, to, count)
    while remaining > 0 {
      let n = min(64, remaining)
      put(bits(source, at: from, count: n), bits: n, in: destination, at: to)
      (from, to, remaining) = (from &+ n, to &+ n, remaining &- n)
    }
  }

  /// `n` (at most 64) bits of `source` from bit `from`, in the low bits.
  @inline(__always) static func bits(_ source: UnsafePointer<UInt64>, at from: Int, count n: Int) -> UInt64 {
    let (w, b) = (from &>> 6, from & 63)
    var v = source[w] &>> UInt64(b)
    if b != 0 && b &+ n > 64 { v |= source[w &+ 1] &<< UInt64(64 &- b) }
    return n < 64 ? v & ((1 &<< UInt64(n)) &- 1) : v
  }

  /// Sets `count` bits of `destination` from bit `to`.
  @inline(__always) static func setBits(count: Int, in destination: UnsafeMutablePointer<UInt64>, at to: Int) {
    var (to, remaining) = (to, count)
    while remaining > 0 {
      let n = min(64, remaining)
      put(n == 64 ? ~0 : (1 << UInt64(n)) - 1, bits: n, in: destination, at: to)
      (to, remaining) = (to + n, remaining - n)
    }
  }

  /// ORs the low `n` bits of `v` (the rest zero) into `destination` at bit `to`.
  @inline(__always) private static func put(_ v: UInt64, bits n: Int, in destination: UnsafeMutablePointer<UInt64>, at to: Int) {
    let (w, b) = (to &>> 6, to & 63)
    destination[w] |= v &<< UInt64(b)
    if b &+ n > 64 { destination[w &+ 1] |= v &>> UInt64(64 &- b) }
  }
}

/// Writes a bit string word by word: bits gather in a register and each word
/// is stored once, when full (or at ``finish(words:)``).
struct BitWriter {
  private var next: UnsafeMutablePointer<UInt64>
  private let start: UnsafeMutablePointer<UInt64>
  private var pending: UInt64 = 0
  private var used = 0

  init(_ destination: UnsafeMutablePointer<UInt64>) {
    next = destination
    start = destination
  }

  /// Appends the low `n` bits of `v` (1 ... 64; higher bits of `v` zero).
  @inline(__always) mutating func append(_ v: UInt64, count n: Int) {
    pending |= v &<< UInt64(used)
    let total = used &+ n
    if total >= 64 {
      next.pointee = pending
      next += 1
      pending = used == 0 ? 0 : v &>> UInt64(64 &- used)
      used = total &- 64
    } else {
      used = total
    }
  }

  /// Stores the last partial word and zeroes the rest of a `words`-word string.
  @inline(__always) mutating func finish(words: Int) {
    var written = next - start
    if used > 0 {
      next.pointee = pending
      written &+= 1
    }
    for w in written..<words { start[w] = 0 }
  }
}

/// Packs a bipolar NHWC value into ``PackedPixels`` (items are image rows).
final class PackPixelsStep: PlanStep, @unchecked Sendable {
  let node: String
  let kernel = "bit packing"
  let itemsPerSample: Int
  let costPerItem: Int
  let pixels: PackedPixels
  private let input: ValueBuffer

  init(node: String, input: ValueBuffer) throws(CPUPlanError) {
    let s = input.sampleShape
    guard input.kind == .int16, s.rank == 4 else { throw .unsupportedGraph("\(node) needs a 16-bit NHWC input") }
    self.node = node
    self.input = input
    pixels = PackedPixels(height: s[1], width: s[2], channels: s[3], capacity: input.capacity)
    itemsPerSample = s[1]
    costPerItem = s[2] * s[3]
  }

  func run(items: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let rowValues = pixels.width * pixels.channels
    BinaryGEMM.pack(
      input.int16 + items.lowerBound * rowValues, rows: items.count, columns: rowValues, sourceStride: rowValues,
      into: pixels.words + items.lowerBound * pixels.rowWords)
  }
}
