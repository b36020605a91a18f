#!/usr/bin/env bash
# Regenerates Sources/FinchONNX/Generated/onnx.pb.swift from the ONNX project's
# own onnx.proto, as the `onnx` wheel on PyPI ships it (onnx/onnx.proto, the
# file onnx's own Python classes are generated from), at the version below.
#
#   scripts/generate-protobuf.sh            fetch onnx.proto, regenerate the Swift
#   scripts/generate-protobuf.sh --check    regenerate into a temporary folder and
#                                           fail if the committed files differ
#
# Tools, installed or built when missing:
#   protoc            Debian's protobuf-compiler
#   protoc-gen-swift  built (release) from swift-protobuf at the version that
#                     Package.swift resolves (swift-protobuf's generator must
#                     match its runtime), cached in .build-protoc/; set
#                     PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift to use another.
# The first build of the plugin takes several minutes.
#
# The generated file is committed: building or testing Finch never runs this.
# The types are `package`: FinchFuzzSupport's model mutator edits them too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/opt/swift/usr/bin:$PATH"
onnx_version=1.23.2
protobuf_version=1.39.0
schema="$root/Sources/FinchONNX/Schema"
generated="$root/Sources/FinchONNX/Generated"
check=false
[[ ${1:-} == --check ]] && check=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v protoc >/dev/null; then
  echo "generate-protobuf: installing protoc (Debian protobuf-compiler)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
fi

plugin=${PROTOC_GEN_SWIFT:-}
if [[ -z $plugin ]]; then
  cache="$root/.build-protoc"
  plugin="$cache/protoc-gen-swift-$protobuf_version"
  if [[ ! -x $plugin ]]; then
    echo "generate-protobuf: building protoc-gen-swift $protobuf_version (minutes, once)" >&2
    git -c advice.detachedHead=false clone -q --depth 1 --branch "$protobuf_version" https://github.com/apple/swift-protobuf.git "$work/swift-protobuf"
    swift build -c release --package-path "$work/swift-protobuf" --scratch-path "$cache/swift-protobuf" \
      --product protoc-gen-swift >&2
    cp "$cache/swift-protobuf/release/protoc-gen-swift" "$plugin"
  fi
fi

# onnx.proto from the wheel, unchanged below a header naming where it came from.
python3 -m pip download -q --no-deps --only-binary=:all: --dest "$work/wheel" "onnx==$onnx_version" >&2
python3 -m zipfile -e "$work"/wheel/onnx-*.whl "$work/wheel/unpacked"
out_schema="$schema" out_generated="$generated"
if $check; then
  out_schema="$work/check/Schema" out_generated="$work/check/Generated"
fi
mkdir -p "$out_schema" "$out_generated"
{
  echo "// onnx.proto of the ONNX project (https://github.com/onnx/onnx, Apache-2.0),"
  echo "// unchanged below this header: onnx/onnx.proto from the onnx $onnx_version wheel on PyPI."
  echo "// Finch's Swift types (Generated/onnx.pb.swift) come from it through"
  echo "// scripts/generate-protobuf.sh; do not edit either file by hand."
  echo
  cat "$work/wheel/unpacked/onnx/onnx.proto"
} >"$out_schema/onnx.proto"
protoc --plugin=protoc-gen-swift="$plugin" \
  --proto_path="$out_schema" \
  --swift_out="$out_generated" \
  --swift_opt=Visibility=Package \
  onnx.proto

if $check; then
  diff -u "$schema/onnx.proto" "$out_schema/onnx.proto"
  diff -u "$generated/onnx.pb.swift" "$out_generated/onnx.pb.swift"
  echo "generate-protobuf: the committed schema and Swift are up to date"
else
  echo "generate-protobuf: wrote Sources/FinchONNX/Schema/onnx.proto (onnx $onnx_version)" \
    "and Sources/FinchONNX/Generated/onnx.pb.swift ($(protoc --version), swift-protobuf $protobuf_version)"
fi
