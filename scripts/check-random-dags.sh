#!/usr/bin/env bash
# Simulates random networks that branch (residual blocks, depthwise
# convolutions: RandomQNN with branching) as dataflow designs in Verilator,
# with random foldings and stalls, against the interpreter and the handshake
# model (Tests/FinchRTLTests/RandomBranchingDesignTests.swift). CI runs 2;
# this runs N (default 20, about 20 s each on 2 cores).
# Usage: scripts/check-random-dags.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-tests -Xswiftc -enable-testing
FINCH_RANDOM_DAGS="${1:-20}" swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing \
  --filter RandomBranchingDesignTests 2>&1 | grep -v "^\["
