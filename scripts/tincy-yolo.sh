#!/usr/bin/env bash
# The Tincy-YOLO case study (Docs/case-studies/tincy-yolo.md), end to end:
# Tinier-YOLO (Examples/tinier-yolo/tinier-yolo.cfg) with synthetic weights
# (scripts/darknet-weights.py; trained weights are not available offline)
# chosen between dataflow and offload for an Ultra96 (xczu3eg), built for the
# offload engine, one 416x416 frame simulated bit-exact on the engine's
# Verilog in Verilator, four frames run heterogeneously (CPU layers measured
# here, engine layers from the cost model), and finch detect on a picture.
# About 5 minutes on 2 cores (most of it the Verilator harness and the frame).
#
#   scripts/tincy-yolo.sh [OUT_DIR]    (default out/tincy-yolo; weights, inputs and build found there are reused)
#   FINCH=path/to/finch scripts/...    (default: builds .build/release/finch)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-out/tincy-yolo}
finch=${FINCH:-}
if [[ -z "$finch" ]]; then
  swift build -c release --product finch 2>&1 | tail -1
  finch=.build/release/finch
fi
cfg=Examples/tinier-yolo/tinier-yolo.cfg
mkdir -p "$out"
weights="$out/tinier-yolo.weights"
[[ -e "$weights" ]] || python3 scripts/darknet-weights.py "$cfg" "$weights" --seed 1
# Inputs: 4 random frames of pixel levels, and a 640x480 picture for detect.
[[ -e "$out/frames.npy" && -e "$out/picture.png" ]] || python3 - "$out" <<'PY'
import struct, sys, zlib
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(16)
np.save(f"{out}/frames.npy", rng.integers(0, 256, (4, 3, 416, 416)).astype(np.float32))
np.save(f"{out}/frame.npy", np.load(f"{out}/frames.npy")[:1])
yy, xx = np.mgrid[0:480, 0:640]
rgb = np.stack([(xx // 3) % 256, (yy // 2) % 256, ((xx + yy) // 5) % 256], axis=2).astype(np.uint8)
raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(480))
chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
open(f"{out}/picture.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 640, 480, 8, 2, 0, 0, 0))
                                       + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
PY
run() { printf "\n== finch %s\n" "$*" >&2; "$finch" "$@"; }
run inspect "$cfg" --weights "$weights" | tail -14
run estimate "$cfg" --weights "$weights" --board ultra96 --arch auto --fps 16 | tail -3
run estimate "$cfg" --weights "$weights" --board ultra96 --arch offload --json > "$out/estimate.json"
run estimate "$cfg" --weights "$weights" --board ultra96 --arch offload --clock 100 | grep "frames/s at"
[[ -e "$out/build" ]] || run build "$cfg" --weights "$weights" --board ultra96 --arch offload -o "$out/build"
run simulate "$out/build" --input "$out/frame.npy" --frames 1
run run "$cfg" --weights "$weights" -i "$out/frames.npy" --backend hetero --board ultra96 -o "$out/heads.npy" --json > "$out/hetero.json"
run run "$cfg" --weights "$weights" -i "$out/frames.npy" --backend hetero --board ultra96 -o "$out/heads-again.npy" | tail -14
run run "$cfg" --weights "$weights" -i "$out/frames.npy" -o "$out/heads-cpu.npy"
cmp "$out/heads.npy" "$out/heads-cpu.npy" && echo "hetero outputs = CPU backend outputs, bit for bit"
# Synthetic weights spread the class scores: a low threshold shows boxes.
run detect "$cfg" --weights "$weights" "$out/picture.png" --threshold 0.1 | head -6
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
e = json.load(open(f"{out}/estimate.json"))["arch"]["offload"]
h = json.load(open(f"{out}/hetero.json"))["time_split"]
cycles = e["cycles"]
print()
print(f"accelerated part: {cycles:,} cycles/frame: {e['fps']:.1f} frames/s at {h['clock_mhz']:g} MHz, "
      f"{100e6 / cycles:.1f} at 100 MHz; 16 frames/s needs {16 * cycles / 1e6:.1f} MHz")
print(f"engine: {e['totals']['lut']:,} LUT, {e['totals']['bram18']} BRAM18, {e['totals']['dsp']} DSP of xczu3eg "
      f"({e['capacity']['lut']:,} / {e['capacity']['bram18']} / {e['capacity']['dsp']})")
print(f"CPU part (this machine, 1 thread): layers {h['cpu_ms']:.1f} ms + host {h['host_ms']:.1f} ms per frame")
print(f"whole frame: {h['sequential_fps']:.1f} frames/s one step after another, {h['pipelined_fps']:.1f} with CPU and engine "
      f"on different frames (the seed's Tincy YOLO: 16 frames/s on a ZU3EG)")
PY
