#!/usr/bin/env bash
# Makes sure this machine can build and test Finch: a Swift 6 toolchain (from
# Debian's swiftlang package where the machine has none) and the open FPGA
# tools the RTL backend drives (Verilator, Icarus Verilog, Yosys, nextpnr-ice40,
# IceStorm), libpng and libjpeg for finch detect, headless Chromium (the HTML
# report tests render pages with it), and the onnx Python package for onnx.checker. Safe to run again;
# installs only what is missing.
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
missing=()
command -v swift >/dev/null 2>&1 || missing+=(swiftlang)
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
command -v nextpnr-ice40 >/dev/null 2>&1 || missing+=(nextpnr-ice40)
command -v icepack >/dev/null 2>&1 || missing+=(fpga-icestorm)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# PNG and JPEG decoding (finch detect), linked into finch.
[[ -e /usr/include/png.h ]] || missing+=(libpng-dev)
[[ -e /usr/include/jpeglib.h ]] || missing+=(libjpeg-dev)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The ONNX project's checker (onnx.checker), which the export tests run over
# what Finch writes; the version whose onnx.proto Finch is generated from.
if ! python3 -c 'import onnx' >/dev/null 2>&1; then
  echo "setup: installing the onnx Python package (PyPI)" >&2
  python3 -m pip install -q onnx==1.23.2 2>/dev/null || python3 -m pip install -q --break-system-packages onnx==1.23.2
fi
swift --version 2>&1 | head -1
