#!/usr/bin/env bash
# Makes sure this machine can build and test Finch: a Swift 6 toolchain (from
# Debian's swiftlang package where the machine has none) and the open FPGA
# tools the RTL backend drives (Verilator, Icarus Verilog, Yosys, nextpnr-ice40,
# IceStorm). Safe to run again; installs only what is missing.
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
missing=()
command -v swift >/dev/null 2>&1 || missing+=(swiftlang)
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
command -v nextpnr-ice40 >/dev/null 2>&1 || missing+=(nextpnr-ice40)
command -v icepack >/dev/null 2>&1 || missing+=(fpga-icestorm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift --version 2>&1 | head -1
