#!/usr/bin/env bash
# The main job, end to end, on the bundled trained models: build Finch; run the
# models on their 100 reference samples on the CPU backend and measure its
# speed on the largest; compile TFC-W1A1 into a dataflow
# accelerator for PYNQ-Z1, simulate it bit-exactly in Verilator and synthesize
# it with Yosys; print what it achieved. Installs the Debian tools it needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/setup.sh >/dev/null
echo "== building Finch (release)"
swift build -c release --product finch 2>&1 | tail -1
finch=.build/release/finch
fixtures=Tests/Fixtures
for model in tfc_w1a1 tfc_w2a2 cnv_w1a1_small; do
  echo "== finch run $fixtures/$model.onnx (CPU backend, 100 samples; bit-identical to the interpreter)"
  "$finch" run "$fixtures/$model.onnx" --input "$fixtures/$model.in.npy" --labels "$fixtures/$model.labels.npy" | tail -1
done
echo "== finch bench $fixtures/cnv_w1a1_small.onnx --batch 64 --seconds 2 (CPU backend, all cores)"
"$finch" bench "$fixtures/cnv_w1a1_small.onnx" --batch 64 --seconds 2
out=out/tfc_w1a1
echo "== finch build $fixtures/tfc_w1a1.onnx --board pynq-z1 --fps 20000 -o $out"
"$finch" build "$fixtures/tfc_w1a1.onnx" --board pynq-z1 --fps 20000 -o "$out"
echo "== finch simulate $out --frames 100 (Verilator, every output compared with the interpreter)"
"$finch" simulate "$out" --frames 100 | tee "$out/simulate.txt"
echo "== finch synth $out (Yosys synth_xilinx for the board's xc7z020)"
"$finch" synth "$out" | tee "$out/synth.txt"
echo
echo "== summary"
python3 - "$out" <<'PY' 2>/dev/null || cat "$out/simulate.txt"
import json, sys
d = sys.argv[1]
e = json.load(open(f"{d}/estimates.json")); s = json.load(open(f"{d}/synth/report.json"))
sim = open(f"{d}/simulate.txt").read().splitlines()
t, c = s["totals"], e["capacity"]
print(f"TFC-W1A1 on {e['board']} ({e['part']}) at {e['clock_mhz']:.0f} MHz: {e['fps']:.0f} frames/s estimated, bottleneck {e['bottleneck']}")
print(f"simulation: {sim[0]}; {sim[1]}")
print(f"synthesis: {t['lut']} LUT ({100*t['lut']/c['lut']:.1f}% of the part), {t['ff']} FF, {t['bram18']} BRAM18, {t['dsp']} DSP;"
      f" the estimate said {e['totals']['lut']} LUT, {e['totals']['bram18']} BRAM18")
PY
echo "report: $out/report.html (open it in a browser: layers, cycles, resources estimated and synthesized, power, roofline)"
