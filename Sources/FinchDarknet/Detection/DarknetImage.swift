/// An image as Darknet holds one: channels × height × width floats, values
/// in [0, 1], planar (all of channel 0, then channel 1, ...).
public struct DarknetImage: Sendable, Equatable {
  public var channels: Int, height: Int, width: Int
  public var values: [Float]

  public init(channels: Int, height: Int, width: Int, values: [Float]) {
    precondition(values.count == channels * height * width, "an image needs channels·height·width values")
    (self.channels, self.height, self.width, self.values) = (channels, height, width, values)
  }

  /// 8-bit interleaved pixels (`height` rows of `width` pixels of `channels`
  /// bytes, as PNG and JPEG decoders give them) as Darknet's image: each byte / 255.
  public init(interleaved bytes: [UInt8], channels: Int, height: Int, width: Int) {
    var values = [Float](repeating: 0, count: bytes.count)
    let plane = height * width
    for p in 0..<plane {
      for c in 0..<channels { values[c * plane + p] = Float(bytes[p * channels + c]) / 255 }
    }
    self.init(channels: channels, height: height, width: width, values: values)
  }

  /// The value of channel `c` at row `y`, column `x`.
  public subscript(c: Int, y: Int, x: Int) -> Float { values[(c * height + y) * width + x] }

  /// The image resized to `width` × `height` as Darknet's `resize_image`
  /// does: bilinear, first along rows (the last column copied), then along
  /// columns (the last row taken from the last source row alone).
  public func resized(width w: Int, height h: Int) -> DarknetImage {
    let xScale = w > 1 ? Float(width - 1) / Float(w - 1) : 0, yScale = h > 1 ? Float(height - 1) / Float(h - 1) : 0
    var part = [Float](repeating: 0, count: channels * height * w)
    for c in 0..<channels {
      for r in 0..<height {
        for x in 0..<w {
          let value: Float
          if x == w - 1 || width == 1 {
            value = self[c, r, width - 1]
          } else {
            let sx = Float(x) * xScale
            let ix = Int(sx)
            let dx = sx - Float(ix)
            value = (1 - dx) * self[c, r, ix] + dx * self[c, r, ix + 1]
          }
          part[(c * height + r) * w + x] = value
        }
      }
    }
    var out = [Float](repeating: 0, count: channels * h * w)
    for c in 0..<channels {
      for r in 0..<h {
        let sy = Float(r) * yScale
        let iy = Int(sy)
        let dy = sy - Float(iy)
        for x in 0..<w { out[(c * h + r) * w + x] = (1 - dy) * part[(c * height + iy) * w + x] }
        if r == h - 1 || height == 1 { continue }
        for x in 0..<w { out[(c * h + r) * w + x] += dy * part[(c * height + iy + 1) * w + x] }
      }
    }
    return DarknetImage(channels: channels, height: h, width: w, values: out)
  }

  /// The size an image takes inside a letterbox: scaled to fit, keeping its
  /// aspect ratio (Darknet's integer arithmetic).
  public static func letterboxSize(of image: (width: Int, height: Int), in box: (width: Int, height: Int)) -> (width: Int, height: Int) {
    Float(box.width) / Float(image.width) < Float(box.height) / Float(image.height)
      ? (box.width, image.height * box.width / image.width) : (image.width * box.height / image.height, box.height)
  }

  /// The image letterboxed into `width` × `height` as Darknet's
  /// `letterbox_image` does: resized to ``letterboxSize(of:in:)``, centred,
  /// the rest 0.5.
  public func letterboxed(width w: Int, height h: Int) -> DarknetImage {
    let size = Self.letterboxSize(of: (width, height), in: (w, h))
    let inner = resized(width: size.width, height: size.height)
    var out = [Float](repeating: 0.5, count: channels * h * w)
    let (dx, dy) = ((w - size.width) / 2, (h - size.height) / 2)
    for c in 0..<channels {
      for y in 0..<size.height {
        for x in 0..<size.width { out[(c * h + y + dy) * w + x + dx] = inner[c, y, x] }
      }
    }
    return DarknetImage(channels: channels, height: h, width: w, values: out)
  }
}
