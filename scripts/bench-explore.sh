#!/usr/bin/env bash
# Times finch explore without --synth over at least 100 design points: the
# three bundled fixtures (TFC-W1A1, TFC-W2A2, CNV-W1A1) on pynq-z1 and
# ultra96 at 17 frame-rate targets each (102 points, dataflow), with the
# MNIST test set's accuracy for the two TFCs' run. Prints the wall time of
# each of three runs and the points per second (issue 18's bar: 100 points
# in under 5 s on the 2-core machine).
#
#   scripts/bench-explore.sh       (FINCH=path/to/finch: default builds .build/release/finch)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
finch=${FINCH:-}
if [[ -z "$finch" ]]; then
  swift build -c release --product finch 2>&1 | tail -1
  finch=.build/release/finch
fi
f=Tests/Fixtures
for run in 1 2 3; do
  start=$(date +%s.%N)
  points=$("$finch" explore $f/tfc_w1a1.onnx $f/tfc_w2a2.onnx $f/cnv_w1a1_small.onnx --board pynq-z1,ultra96 --fps 100..100000:17 --json 2>/dev/null |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["points"]))')
  end=$(date +%s.%N)
  python3 -c "print(f'run $run: {$points} points in {$end - $start:.2f} s ({$points / ($end - $start):.0f} points/s)')"
done
