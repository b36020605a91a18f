#!/usr/bin/env bash
# Builds Finch as a user's package would: a consumer package that depends on
# Finch by version (`.package(url: "file://...", from: "0.1.0")`) builds its
# library products (debug) and runs the TFC-w1a1 fixture through
# InferenceSession (import, FinchPasses' default pipeline, CPU plan), printing
# the output. SwiftPM refuses unsafe flags in a dependency resolved by
# version, so this fails if Package.swift grows any.
#
#   scripts/test-as-dependency.sh [WORKDIR]
#
# Finch is this working tree as it is (tracked and untracked files that git does
# not ignore), committed into a fresh repository at WORKDIR/finch and tagged
# 0.1.0. WORKDIR defaults to a temporary folder, removed afterwards. Its
# dependencies resolve as Finch's own do (SwiftPM's shared repository cache and
# git's URL settings). FinchDriverTests' DependencyBuildTests runs this when
# FINCH_DEPENDENCY_TEST=1 (scripts/test.sh sets it) and checks the output
# against the fixture's. A first run is a full debug build of Finch and
# swift-protobuf: about 80 s on 2 busy cores (measured with load 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/opt/swift/usr/bin:$PATH"
if [[ $# -ge 1 ]]; then
  work=$1
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
rm -rf "$work/finch" "$work/consumer"
mkdir -p "$work/finch" "$work/consumer/Sources/FinchConsumer"

# The working tree, as a repository with one commit tagged like a release.
(
  cd "$root"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [[ -f $f ]] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -
) | tar -xf - -C "$work/finch"
git -C "$work/finch" init -q
git -C "$work/finch" add -A
git -C "$work/finch" -c user.name=finch-test -c user.email=finch-test@localhost commit -q -m "Finch working tree"
git -C "$work/finch" tag 0.1.0

cat >"$work/consumer/Package.swift" <<EOF
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "FinchConsumer",
  platforms: [.macOS(.v15)],
  dependencies: [.package(url: "file://$work/finch", from: "0.1.0")],
  targets: [
    .executableTarget(
      name: "FinchConsumer",
      dependencies: [.product(name: "FinchDriver", package: "finch"), .product(name: "FinchIR", package: "finch")]
    )
  ]
)
EOF
cat >"$work/consumer/Sources/FinchConsumer/main.swift" <<'EOF'
import FinchDriver
import FinchIR

// Usage: FinchConsumer MODEL INPUT.npy. Compiles MODEL for the CPU backend and
// prints the first output for INPUT, every value as Swift prints a Float.
let arguments = CommandLine.arguments
let session = try InferenceSession(model: arguments[1], backend: .cpu, threads: 1, maxBatch: 128)
if let warning = session.warning { print("warning: \(warning)") }
let output = try session.run(try NPY.read(path: arguments[2]))
print("shape: \(output.shape.dims.map(String.init).joined(separator: " "))")
print("output: \(output.floats.map { "\($0)" }.joined(separator: " "))")
EOF

cd "$work/consumer"
swift build --product FinchConsumer >&2
fixtures="$root/Tests/Fixtures"
"$(swift build --show-bin-path)/FinchConsumer" "$fixtures/tfc_w1a1.onnx" "$fixtures/tfc_w1a1.in.npy"
