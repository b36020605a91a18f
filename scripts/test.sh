#!/usr/bin/env bash
# Runs Finch's whole test suite (what CI runs), in release mode with testing
# enabled: the interpreter runs every fixture after every pass, which is slow
# unoptimized.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build -c release --build-tests -Xswiftc -enable-testing
status=0
# DependencyBuildTests builds Finch as a versioned dependency of a small package
# (scripts/test-as-dependency.sh): a debug build of its own, about 80 s, so only here.
export FINCH_DEPENDENCY_TEST=1
echo "test.sh: FINCH_DEPENDENCY_TEST=1: DependencyBuildTests also builds Finch as a package dependency (about 80 s)"
swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing 2>&1 | tee "$log" || status=$?
# A bounded fuzzing slice after the suite, when asked for (.ci/run asks):
# FINCH_FUZZ_SECONDS per parser target (scripts/fuzz.sh); a crash fails the run.
if ((${FINCH_FUZZ_SECONDS:-0} > 0)); then
  bash scripts/fuzz.sh --seconds "$FINCH_FUZZ_SECONDS" || status=1
fi
# XCTest's total: "Executed N tests, with [S test(s) skipped and ]F failures".
summary=$(grep -E "^\s*Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$log" | tail -1)
if [[ $summary =~ Executed\ ([0-9]+)\ tests?,\ with\ (([0-9]+)\ tests?\ skipped\ and\ )?([0-9]+)\ failure ]]; then
  skipped=${BASH_REMATCH[3]:-0}
  echo "tests: $((BASH_REMATCH[1] - skipped - BASH_REMATCH[4])) passed, $skipped skipped, ${BASH_REMATCH[4]} failed"
fi
exit "$status"
