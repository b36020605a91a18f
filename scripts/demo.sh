#!/usr/bin/env bash
# The main job on the bundled example models: build Finch, show a model's graph
# summary, and run every bundled model on its 100 reference MNIST samples,
# printing predicted labels and accuracy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh >/dev/null
echo "== building Finch (release)"
swift build -c release --product finch 2>&1 | tail -1
finch=.build/release/finch
fixtures=Tests/Fixtures
echo "== finch inspect $fixtures/tfc_w2a2.onnx (per-layer table)"
"$finch" inspect "$fixtures/tfc_w2a2.onnx" | sed -n '/^layer/,$p'
for model in tfc_w1a1 tfc_w2a2 cnv_w1a1_small; do
  echo "== finch run $fixtures/$model.onnx on 100 samples"
  "$finch" run "$fixtures/$model.onnx" --input "$fixtures/$model.in.npy" --labels "$fixtures/$model.labels.npy"
done
