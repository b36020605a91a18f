#!/usr/bin/env bash
# Fuzzes the parsers Finch runs on user files with libFuzzer: the ONNX importer
# (with a structure-aware mutator that edits decoded models), the .npy reader
# the --folding JSON reader and the Darknet importer (.cfg + .weights). Builds the FinchFuzz product with
# -sanitize=fuzzer into .build-fuzz, then runs each target in turn.
#
#   scripts/fuzz.sh [--seconds N | --runs N] [--keep-going] [TARGET...]
#
# --seconds N    run each target for N seconds (default 60)
# --runs N       run each target for N inputs instead
# --keep-going   fork mode: record every crash, timeout and OOM and go on
# TARGET         onnx-small (the importer from small synthetic models, inputs up
#                to 64 KiB: thousands of runs a second), onnx (from the fixture
#                models, ~250 KiB: real networks, about a hundred a second),
#                npy, folding, darknet (a length-prefixed .cfg then its
#                .weights; default: all five)
#
# Each target runs with -rss_limit_mb=1024 -timeout=10. Corpora grow in
# .build-fuzz/corpus/<target> (gitignored; seeded from Tests/Fixtures on every
# run); crashing inputs are saved in .build-fuzz/crashes/<target>/. Prints, per
# target, executions, exec/s and crashes, and exits 1 if any target crashed.
# Reproduce a crash with a plain build: swift build --product FinchFuzz &&
# .build/debug/FinchFuzz <target> <crash file> (onnx for onnx-small).
set -euo pipefail

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="/opt/swift/usr/bin:$PATH"

limit=(-max_total_time=60)
keep_going=0
targets=()
while (($#)); do
  case "$1" in
    --seconds) [[ ${2:-} =~ ^[0-9]+$ ]] || usage; limit=(-max_total_time="$2"); shift 2 ;;
    --runs) [[ ${2:-} =~ ^[0-9]+$ ]] || usage; limit=(-runs="$2"); shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    onnx | onnx-small | npy | folding | darknet) targets+=("$1"); shift ;;
    *) usage ;;
  esac
done
((${#targets[@]})) || targets=(onnx-small onnx npy folding darknet)

scratch=.build-fuzz
start=$(date +%s)
mkdir -p "$scratch"
if ! swift build -c release --scratch-path "$scratch" --product FinchFuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFINCH_FUZZ >"$scratch/build.log" 2>&1; then
  tail -40 "$scratch/build.log" >&2
  echo "fuzz: building FinchFuzz failed (log: $scratch/build.log)" >&2
  exit 1
fi
bin="$scratch/release/FinchFuzz"
echo "fuzz: built $bin in $(($(date +%s) - start)) s"

# Seeds, rebuilt from the fixtures on every run.
seeds() {
  local t=$1 dir="$scratch/seeds/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  case "$t" in
    onnx) cp Tests/Fixtures/*.onnx "$dir"/ ;;
    onnx-small) "$bin" seeds "$dir" ;;
    npy) cp Tests/Fixtures/*.npy "$dir"/ ;;
    folding)
      cp Tests/Fixtures/*.json "$dir"/
      for f in Tests/Fixtures/finn-estimates/*/*.json; do cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
      printf '{"layers": [{"name": "MVAU_0", "pe": 4, "simd": 8}, {"name": "MVAU_1", "pe": 1}, {"name": "Thresholding_0"}]}' >"$dir/finch-form.json"
      printf '{"Defaults": {}, "MVAU_0": {"PE": 4, "SIMD": 8, "ram_style": "block"}, "SWU_0": {"SIMD": 3}}' >"$dir/finn-form.json"
      ;;
    darknet)
      # FuzzTarget.darknet's input: a 4-byte little-endian length, the .cfg, the .weights.
      for cfg in Tests/Fixtures/darknet/*.cfg; do
        python3 -c 'import struct, sys; c = open(sys.argv[1], "rb").read(); w = open(sys.argv[2], "rb").read(); sys.stdout.buffer.write(struct.pack("<I", len(c)) + c + w)' \
          "$cfg" "${cfg%.cfg}.weights" >"$dir/$(basename "${cfg%.cfg}").bin"
      done
      ;;
  esac
}

# Token dictionaries for the text formats.
dictionary() {
  local file="$scratch/seeds/$1.dict"
  case "$1" in
    npy) printf '%s\n' '"\x93NUMPY"' '"\x01\x00"' '"\x02\x00"' "\"'descr'\"" "\"'<f4'\"" "\"'<f8'\"" "\"'|b1'\"" "\"'<i8'\"" "\"'<u4'\"" \
      "\"'fortran_order'\"" '"False"' '"True"' "\"'shape'\"" '"("' '")"' '","' '"{"' '"}"' '"9223372036854775807"' '"-1"' >"$file" ;;
    folding) printf '%s\n' '"\"layers\""' '"\"name\""' '"\"pe\""' '"\"simd\""' '"\"PE\""' '"\"SIMD\""' '"\"Defaults\""' '"{"' '"}"' \
      '"["' '"]"' '"null"' '"true"' '"1e999"' '"-0"' '"9223372036854775808"' '"0.5"' '"\"\\u0000\""' >"$file" ;;
    darknet) printf '%s\n' '"[net]"' '"[convolutional]"' '"[maxpool]"' '"[route]"' '"[shortcut]"' '"[softmax]"' '"[avgpool]"' \
      '"filters="' '"size="' '"stride="' '"pad="' '"padding="' '"groups="' '"layers="' '"from="' '"activation=leaky"' '"binary=1"' \
      '"batch_normalize=1"' '"weight_bits="' '"activation_bits="' '"activation_scale="' '"input_bits="' '"input_scale="' '"-1"' \
      '"8192"' '"\x0a"' >"$file" ;;
    *) return 1 ;;
  esac
  echo "$file"
}

crashed=0
summary=()
for t in "${targets[@]}"; do
  seeds "$t"
  corpus="$scratch/corpus/$t" crashes="$scratch/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  before=$(find "$crashes" -type f | wc -l)
  log="$scratch/fuzz-$t.log"
  args=("${t%-small}" "${limit[@]}" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/")
  if dict=$(dictionary "$t" 2>/dev/null); then args+=(-dict="$dict"); fi
  if [[ $t == onnx-small ]]; then args+=(-max_len=65536); fi
  if ((keep_going)); then args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); fi
  echo "fuzz: $t: $bin ${args[*]} $corpus $scratch/seeds/$t"
  t0=$(date +%s)
  rc=0
  # Swift's own crash backtracer would take the signal before libFuzzer saves
  # the input: off while fuzzing, on when a crash is replayed below.
  SWIFT_BACKTRACE=enable=no "$bin" "${args[@]}" "$corpus" "$scratch/seeds/$t" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - t0))
  # Plain mode prints final stats; fork mode prints progress lines "#N ... exec/s: R".
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  if [[ -z $execs ]]; then
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    execs=${execs:-0}
    rate=$((elapsed > 0 ? execs / elapsed : execs))
  fi
  new=$(($(find "$crashes" -type f | wc -l) - before))
  if ((rc != 0 && new == 0)); then
    echo "fuzz: $t: FinchFuzz exited $rc without saving an input; last lines of $log:" >&2
    tail -20 "$log" >&2
    crashed=1
  fi
  if ((new > 0)); then
    crashed=1
    find "$crashes" -type f -newer "$scratch/seeds/$t" | while read -r f; do
      echo "fuzz: $t: crashing input saved: $f"
      echo "fuzz: $t: replaying it: $bin ${t%-small} $f"
      SWIFT_BACKTRACE=enable=yes,interactive=no "$bin" "${t%-small}" "$f" 2>&1 | grep -E 'Fatal error|crashed|^ *[0-9]+ .* at /' | head -14 || true
    done
  fi
  summary+=("$(printf 'fuzz: %-8s %10s executions %7s exec/s %3d crashes  (%ss, log %s)' "$t" "$execs" "${rate:-0}" "$new" "$elapsed" "$log")")
done
printf '%s\n' "${summary[@]}"
exit "$crashed"
