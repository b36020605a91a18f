import Foundation

extension MemoryImage {
  /// Reads the image file `schedule` was packed with (`memory.bin`), which
  /// must be the schedule's `image_bytes` long.
  public init(contentsOf url: URL, schedule: Schedule) throws(FinchOffloadError) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .invalidSchedule("cannot read the memory image \(url.path): \(error.localizedDescription)")
    }
    guard data.count == schedule.memory.imageBytes else {
      throw .invalidSchedule("the memory image \(url.path) has \(data.count) bytes; the schedule's image_bytes is \(schedule.memory.imageBytes)")
    }
    bytes = [UInt8](data)
  }
}
