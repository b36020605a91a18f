#!/usr/bin/env bash
# Synthesizes offload engines that span the engine's parameters with Yosys
# (`finch synth`, synth_xilinx for xc7z020) and prints each engine's
# LUT/FF/DSP/BRAM18 beside EngineResources' estimate, then the units off by
# more than 15% (and 100 LUT/FF). The first eight engines are the ones
# EngineResources is fitted to; the last two were held out of the fit
# (Docs/offload.md §7). Each engine's Verilog depends only on the engine, so
# the script builds TFC-W1A1 with `--arch offload --engine` each one.
#
#   scripts/calibrate-engine-resources.sh [OUT_DIR]   (default out/engine-calibration)
#   FINCH=path/to/finch JOBS=n scripts/...            (default: builds .build/release/finch; n = cores)
#
# About 1 minute and 1 GB per small engine and 2 minutes and 3 GB for the
# Tinier-YOLO one (Yosys 0.23); JOBS at a time. A rerun resynthesizes only
# engines without synth/report.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-out/engine-calibration}
jobs=${JOBS:-$(nproc)}
finch=${FINCH:-}
if [[ -z "$finch" ]]; then
  swift build -c release --product finch 2>&1 | tail -1
  finch=.build/release/finch
fi
mkdir -p "$out"
# name pe simd weight_bits activation_bits threshold_bits max_kernel max_channels max_image_size weight_depth threshold_depth memory_word_bits
engines="
fit-w2a2      16 32 2 2 16 3 256  32 1024 64 128
fit-w1a1       8 16 1 1 12 3 128  32  256 64  32
fit-w4a4       8  8 4 4 20 5  64  28  512 32  64
fit-w1a2       4  4 1 2  8 3  32  16  128 16  32
fit-w1a4      16 16 1 4 16 5 128  64  512 32  64
fit-w3a3      32  8 3 3 18 3  64  32  256 64 256
fit-w2a1       4 64 2 1 10 3 256  32  256 64  64
fit-tinier    32 64 1 3 16 3 512 210  576 16  64
held-w2a3     12 24 2 3 14 3  96  40  384 32  64
held-w1a2     64 32 1 2 12 3 256  26  512  8 128
"
synthesize() {
  local name=$1; shift
  local keys=(pe simd weight_bits activation_bits threshold_bits max_kernel max_channels max_image_size weight_depth threshold_depth memory_word_bits)
  local json="{" i=0
  for v in "$@"; do json+="\"${keys[$i]}\": $v,"; i=$((i + 1)); done
  json="${json%,}}"
  local dir="$out/$name"
  if [[ -f "$dir/synth/report.json" ]]; then return; fi
  if [[ -e "$dir" ]]; then echo "$dir exists without synth/report.json: move it away first" >&2; return 1; fi
  echo "$json" > "$out/$name.engine.json"
  rm -rf "$dir.tmp"
  "$finch" build Tests/Fixtures/tfc_w1a1.onnx --board pynq-z1 --arch offload --engine "$out/$name.engine.json" -o "$dir.tmp" > /dev/null
  "$finch" synth "$dir.tmp" --json > /dev/null
  mv "$dir.tmp" "$dir"
  echo "synthesized $name" >&2
}
export -f synthesize
export out finch
echo "$engines" | grep -v '^$' | xargs -P "$jobs" -L 1 bash -c 'synthesize "$@"' _
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
print(f"{'engine':<12} {'LUT synth/est':>20} {'FF synth/est':>20} {'DSP':>9} {'BRAM18':>9}")
for name in sorted(os.listdir(out)):
    path = os.path.join(out, name, "synth", "report.json")
    if not os.path.isfile(path): continue
    r = json.load(open(path))
    s, e = r["totals"], r["estimate"]
    cell = lambda k: f"{s[k]}/{e[k]} ({100 * (e[k] - s[k]) / max(s[k], 1):+.0f}%)"
    print(f"{name:<12} {cell('lut'):>20} {cell('ff'):>20} {s['dsp']:>4}/{e['dsp']:<4} {s['bram18']:>4}/{e['bram18']:<4}")
    for row in r["layers"]:
        got, est = row["synthesized"], row.get("estimate") or {}
        for k in ("lut", "ff"):
            if abs(est.get(k, 0) - got[k]) > max(0.15 * got[k], 100):
                print(f"    {row['name']}: {k} {got[k]} synthesized, {est.get(k, 0)} estimated")
PY
