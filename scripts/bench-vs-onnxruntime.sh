#!/usr/bin/env bash
# Finch's CPU backend against ONNX Runtime, side by side on this machine.
#
#   scripts/bench-vs-onnxruntime.sh [--batch "1 64"] [--threads "1 2"] [--seconds S] [--keep DIR]
#
# For each bundled fixture, Finch exports standard ONNX (`finch export`): the
# float form (weight quantizers folded, activation quantizers as float ops;
# the only form ONNX Runtime can run for bipolar nets) and, where every
# quantizer fits 8 bits and is not bipolar, the QDQ form. In a throwaway Python
# venv (onnxruntime, onnx and numpy from PyPI) ONNX Runtime runs each export:
#   1. equality: its outputs on the fixture's 100 reference inputs, at every
#      batch size, must equal `finch run --backend cpu` bit for bit;
#   2. speed: the same batch size and thread count for both, random inputs
#      (ONNX Runtime through io_binding, all graph optimizations, one
#      inter-op thread; Finch through `finch bench --json`), --seconds each.
# It prints frames/s for both and the ratio Finch / ONNX Runtime. Batches above
# 1 run the export with its batch axis made dynamic (graph inputs and outputs,
# and Reshape targets that copy the leading 1, become "N"/0).
# Exit status 1 when an output differs.
set -euo pipefail

batches="1 64"
threads="1 $(nproc)"
seconds=3
keep=""
while (($#)); do
  case "$1" in
    --batch) batches="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-vs-onnxruntime: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
bash "$ROOT/scripts/setup.sh" >/dev/null
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "bench-vs-onnxruntime: installing python3-venv" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi

work="${keep:-$(mktemp -d)}"
mkdir -p "$work"
[[ -n "$keep" ]] || trap 'rm -rf "$work"' EXIT
echo "bench-vs-onnxruntime: building finch (release)" >&2
(cd "$ROOT" && swift build -c release --product finch >/dev/null)
finch="$ROOT/.build/release/finch"

echo "bench-vs-onnxruntime: installing onnxruntime in a temporary venv ($work/venv)" >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q onnxruntime onnx numpy
py="$work/venv/bin/python"
"$py" -c 'import onnxruntime as o, platform; print("onnxruntime", o.__version__, "on", platform.processor() or platform.machine())'
echo "finch $("$finch" --version), kernels: $("$finch" bench --help >/dev/null; "$finch" bench "$ROOT/Tests/Fixtures/tfc_w1a1.onnx" --seconds 0.01 --json | "$py" -c 'import json,sys; print(json.load(sys.stdin)["isa"])')"
echo

status=0
printf '%-16s %-6s %6s %8s %14s %14s %8s\n' model form batch threads "finch fps" "onnxrt fps" ratio
for model in tfc_w1a1 tfc_w2a2 cnv_w1a1_small; do
  src="$ROOT/Tests/Fixtures/$model.onnx"
  "$finch" run "$src" --input "$ROOT/Tests/Fixtures/$model.in.npy" --output "$work/$model.finch.npy" --backend cpu
  for form in float qdq; do
    if ! "$finch" export "$src" --format "$form" -o "$work/$model.$form.onnx" >/dev/null 2>"$work/$model.$form.err"; then
      printf '%-16s %-6s  (not exportable: %s)\n' "$model" "$form" "$(head -c 100 "$work/$model.$form.err")"
      continue
    fi
    for b in $batches; do
      for t in $threads; do
        finch_fps="$("$finch" bench "$src" --backend cpu --batch "$b" --threads "$t" --seconds "$seconds" --json |
          "$py" -c 'import json,sys; print(json.load(sys.stdin)["frames_per_second"])')"
        if ! ort="$("$py" - "$work/$model.$form.onnx" "$ROOT/Tests/Fixtures/$model.in.npy" "$work/$model.finch.npy" "$b" "$t" "$seconds" <<'PY'
import sys, time
import numpy as np, onnx, onnxruntime as ort

path, inputs, expected, batch, threads, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
model = onnx.load(path)
if batch > 1:
    # Dynamic batch axis: inputs/outputs get "N", Reshape targets copy the leading dim (0).
    g = model.graph
    for v in list(g.input) + list(g.output):
        d = v.type.tensor_type.shape.dim[0]
        d.ClearField("dim_value"); d.dim_param = "N"
    del g.value_info[:]
    inits = {i.name: i for i in g.initializer}
    for n in g.node:
        if n.op_type == "Reshape" and n.input[1] in inits:
            shape = onnx.numpy_helper.to_array(inits[n.input[1]]).copy()
            if shape.size and shape[0] == 1:
                shape[0] = 0
                inits[n.input[1]].CopyFrom(onnx.numpy_helper.from_array(shape, n.input[1]))
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
x_all = np.load(inputs).astype(np.float32)
want = np.load(expected)
got = []
for start in range(0, len(x_all), batch):
    chunk = x_all[start:start + batch]
    if len(chunk) < batch and batch > 1:
        chunk = np.concatenate([chunk, np.zeros((batch - len(chunk),) + chunk.shape[1:], np.float32)])
    got.append(session.run(None, {name: chunk})[0][: len(x_all) - start])
got = np.concatenate(got)[: len(x_all)]
if got.shape != want.shape or not np.array_equal(got.astype(np.float32), want.astype(np.float32)):
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64)).max() if got.shape == want.shape else "shape"
    print(f"MISMATCH max|diff|={diff}")
    sys.exit(1)
rng = np.random.default_rng(0)
x = x_all[rng.integers(0, len(x_all), batch)]
binding = session.io_binding()
binding.bind_cpu_input(name, x)
binding.bind_output(session.get_outputs()[0].name)
for _ in range(3):
    session.run_with_iobinding(binding)
warm_end = time.perf_counter() + seconds / 10
while time.perf_counter() < warm_end:
    session.run_with_iobinding(binding)
runs, start = 0, time.perf_counter()
while True:
    session.run_with_iobinding(binding)
    runs += 1
    now = time.perf_counter()
    if now - start >= seconds:
        break
print(runs * batch / (now - start))
PY
        )"; then
          printf '%-16s %-6s %6s %8s  %s\n' "$model" "$form" "$b" "$t" "$ort"
          status=1
          continue
        fi
        ratio="$("$py" -c "print(f'{$finch_fps / $ort:.2f}x')")"
        printf '%-16s %-6s %6s %8s %14.0f %14.0f %8s\n' "$model" "$form" "$b" "$t" "$finch_fps" "$ort" "$ratio"
      done
    done
  done
done
echo
echo "ratio = Finch frames/s / ONNX Runtime frames/s at the same batch and threads; outputs compared bit for bit on 100 reference samples."
exit $status
