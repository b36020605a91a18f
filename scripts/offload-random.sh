#!/usr/bin/env bash
# Runs many random networks through the offload engine Verilog in Verilator
# (OffloadNetworkTests.testRandomNetworksMatchInterpreter with more seeds):
# each bit-exact with the interpreter in lockstep with the reference model, on
# the ideal DRAM within 5% of the cost model's cycles and on the slow DRAM.
#
#   scripts/offload-random.sh [LAST [FIRST]]
#
# LAST, FIRST   the seeds FIRST...LAST (default 1...300; CI runs 1...20).
#               About 0.1 s a network once the three engines are built.
# Builds release with tests into .build-offload-random.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
last=${1:-300}
first=${2:-1}
cd "$root"
swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path .build-offload-random
FINCH_ENGINE_SEEDS="$first...$last" swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing \
  --scratch-path .build-offload-random --filter OffloadNetworkTests/testRandomNetworksMatchInterpreter
