#!/usr/bin/env bash
# Shrinks every FIFO of the full-size CNV-W1A1 (pynq-z1, 3,000 frames/s) by
# one word below its minimal depth and shows in Verilator that each then ends
# a frame later, and that the minimal depths end every frame when the
# handshake model says. About 5 minutes on 2 cores (one Verilator build per
# FIFO). CI runs the same test on TFC-W1A1. Then the full-size CNV's first
# frame latency at 3,000 and 1,000 frames/s (CI runs 3,000 only).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-tests -Xswiftc -enable-testing
FINCH_FIFO_SHRINK_CNV=1 swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing \
  --filter FIFOSizingSimulationTests
FINCH_CNV_LATENCY_ALL=1 swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing \
  --filter FullSizeCNVLatencyTests
