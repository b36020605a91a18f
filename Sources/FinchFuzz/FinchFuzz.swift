import FinchFuzzSupport
import Foundation

// Finch's fuzz targets in one executable: `FinchFuzz <target> ARGS...` with
// target onnx, npy or folding.
//
// Built with `-sanitize=fuzzer -DFINCH_FUZZ` (scripts/fuzz.sh does it) it is a
// libFuzzer binary and ARGS are libFuzzer's (corpus folders, -runs=N, ...).
// Built plainly (as `swift build` does) it replays files instead, so a crash
// found by the fuzzer reproduces with an ordinary backtrace:
//
//   FinchFuzz onnx crash-1234...           run the ONNX target on saved inputs
//   FinchFuzz mutate SEED IN.onnx OUT.onnx  write the ModelMutator's mutation of IN
//   FinchFuzz seeds DIR                     write small seed models (SeedModels) into DIR

/// The target this process fuzzes, chosen by the first argument.
nonisolated(unsafe) var selected = FuzzTarget.onnx

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = start.map { Data(bytes: $0, count: count) } ?? Data()
  selected.run(bytes)
  return 0
}

#if FINCH_FUZZ
  @_silgen_name("LLVMFuzzerRunDriver")
  func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  @_silgen_name("LLVMFuzzerMutate")
  func byteMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

  /// For the ONNX target, three mutations in four decode the model and edit it
  /// (``ModelMutator``); the rest, and every mutation of an input that does not
  /// decode, are libFuzzer's byte mutations.
  @_cdecl("LLVMFuzzerCustomMutator")
  public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    guard selected == .onnx, seed % 4 != 0 else { return byteMutate(data, size, maxSize) }
    var mutator = ModelMutator(seed: UInt64(seed))
    guard let mutated = mutator.mutate(Data(bytes: data, count: size)), mutated.count <= maxSize else {
      return byteMutate(data, size, maxSize)
    }
    mutated.copyBytes(to: data, count: mutated.count)
    return mutated.count
  }
#endif

@main
enum FinchFuzz {
  static func main() {
    var args = CommandLine.arguments
    let usage = "usage: FinchFuzz {\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))} ARGS... | FinchFuzz mutate SEED IN OUT | FinchFuzz seeds DIR"
    guard args.count >= 2 else { fail(usage) }
    if args[1] == "mutate" { mutate(Array(args.dropFirst(2)), usage: usage) }
    if args[1] == "seeds" { seeds(Array(args.dropFirst(2)), usage: usage) }
    guard let target = FuzzTarget(rawValue: args[1]) else { fail(usage) }
    selected = target
    args.remove(at: 1)
    #if FINCH_FUZZ
      if !args.contains(where: { $0.hasPrefix("-max_len=") }) { args.append("-max_len=\(target.maxLength)") }
      var argc = CInt(args.count)
      var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
      let status = cArgs.withUnsafeMutableBufferPointer { buffer in
        var argv = buffer.baseAddress
        return runDriver(&argc, &argv, testOneInput)
      }
      exit(status)
    #else
      var count = 0
      for path in args.dropFirst() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted().map { "\(path)/\($0)" } ?? [path]
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
          print("\(target.rawValue): \(file)")
          target.run(data)
          count += 1
        }
      }
      print("\(target.rawValue): \(count) inputs, no crash")
    #endif
  }

  static func mutate(_ args: [String], usage: String) -> Never {
    guard args.count == 3, let seed = UInt64(args[0]), let model = FileManager.default.contents(atPath: args[1]) else { fail(usage) }
    var mutator = ModelMutator(seed: seed)
    guard let mutated = mutator.mutate(model) else { fail("\(args[1]) does not decode as an ONNX model") }
    guard FileManager.default.createFile(atPath: args[2], contents: mutated) else { fail("cannot write \(args[2])") }
    for edit in mutator.log { print(edit) }
    exit(0)
  }

  static func seeds(_ args: [String], usage: String) -> Never {
    guard args.count == 1 else { fail(usage) }
    for (name, bytes) in SeedModels.all() {
      guard FileManager.default.createFile(atPath: "\(args[0])/\(name)", contents: bytes) else { fail("cannot write \(args[0])/\(name)") }
    }
    exit(0)
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(64)
  }
}
