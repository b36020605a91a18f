#!/usr/bin/env bash
# Checks the fitted resource model on whole designs (Docs/cost-model.md):
# every fixture and four random mixed-precision networks, folded for a frame
# rate on pynq-z1 (xc7z020) and ultra96 (xczu3eg), synthesized with Yosys;
# prints estimate against synthesis per design and fails beyond ±10% LUT or
# any DSP/BRAM18 difference. CI runs a two-design slice of the same test.
# About 20 minutes on 2 cores. Builds release with tests into .build.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-tests -Xswiftc -enable-testing
FINCH_WHOLE_DESIGNS=1 swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing \
  --filter WholeDesignResourceTests 2>&1 | grep -v "^\[" 
