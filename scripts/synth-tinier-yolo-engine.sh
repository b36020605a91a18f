#!/usr/bin/env bash
# Synthesizes the offload engine sized for Tinier-YOLO (Docs/offload.md §7 and
# §13: PE 32, SIMD 64, W1 A3 T16, max kernel 3, max channels 512, max image
# 210, weight depth 576, threshold depth 16, 64-bit port) with Yosys
# synth_xilinx for xc7z020 (PYNQ-Z1), the way `finch synth` does, and prints
# the engine's LUT/FF/BRAM/DSP unit by unit beside Finch's estimate.
#
# The engine's Verilog depends only on the engine, so any model the engine
# runs gives the same rtl/: the script builds TFC-W1A1 for it
# (`finch build --arch offload --engine`), then runs `finch synth` on that
# build. About 8 minutes and 3 GB of memory on one core (Yosys 0.23).
#
#   scripts/synth-tinier-yolo-engine.sh [OUT_DIR]   (default out/tinier-yolo-engine)
#   FINCH=path/to/finch scripts/...                 (default: builds .build/release/finch)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-out/tinier-yolo-engine}
finch=${FINCH:-}
if [[ -z "$finch" ]]; then
  swift build -c release --product finch 2>&1 | tail -1
  finch=.build/release/finch
fi
mkdir -p "$(dirname "$out")"
engine="$out.engine.json"
cat > "$engine" <<'JSON'
{"pe": 32, "simd": 64, "weight_bits": 1, "activation_bits": 3, "threshold_bits": 16, "max_kernel": 3, "max_channels": 512,
 "max_image_size": 210, "weight_depth": 576, "threshold_depth": 16, "memory_word_bits": 64}
JSON
echo "== finch build Tests/Fixtures/tfc_w1a1.onnx --board pynq-z1 --arch offload --engine $engine -o $out"
"$finch" build Tests/Fixtures/tfc_w1a1.onnx --board pynq-z1 --arch offload --engine "$engine" -o "$out"
echo "== finch synth $out (yosys synth_xilinx -family xc7 for xc7z020; log in $out/synth/yosys.log)"
start=$(date +%s)
"$finch" synth "$out" | tee "$out/synth.txt"
echo "wall time: $(( $(date +%s) - start )) s"
