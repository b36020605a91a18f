#!/usr/bin/env bash
# Runs Finch's whole test suite (what CI runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh >/dev/null
swift build --build-tests
swift test --skip-build
