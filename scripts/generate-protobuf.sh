#!/usr/bin/env bash
# Regenerates Sources/FinchONNX/Generated/onnx-subset.pb.swift from our ONNX
# schema subset. Needs protoc (Debian: protobuf-compiler) and builds the
# protoc-gen-swift plugin from the swift-protobuf version Package.swift names.
# The generated file is committed: building or testing Finch never runs this.
# The types are `package`: FinchFuzzSupport's model mutator edits them too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=1.39.0
command -v protoc >/dev/null || apt-get install -y protobuf-compiler
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q https://github.com/apple/swift-protobuf.git "$work/swift-protobuf"
git -C "$work/swift-protobuf" checkout -q "$version"
swift build -c release --package-path "$work/swift-protobuf" --product protoc-gen-swift
protoc --plugin="$work/swift-protobuf/.build/release/protoc-gen-swift" \
  --proto_path="$root/Sources/FinchONNX/Schema" \
  --swift_out="$root/Sources/FinchONNX/Generated" \
  --swift_opt=Visibility=Package \
  onnx-subset.proto
echo "wrote Sources/FinchONNX/Generated/onnx-subset.pb.swift"
