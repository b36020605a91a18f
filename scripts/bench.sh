#!/usr/bin/env bash
# Builds (release) and runs Finch's benchmarks (the package in Benchmarks/,
# ordo-one/benchmark). Speed is judged here, never by timing unit tests.
#
#   scripts/bench.sh [ARGS...]                 run and print the results
#   scripts/bench.sh baseline NAME [ARGS...]   run and save the results as baseline NAME
#   scripts/bench.sh compare NAME [ARGS...]    run now and print it beside baseline NAME, with ratios
#   scripts/bench.sh list                      list the saved baselines
#
# ARGS go to the benchmark plugin, e.g. --filter 'compile.*'.
# Baselines live in Benchmarks/.benchmarkBaselines/ (not committed: they are
# only meaningful on the machine that made them). Every run is also saved as
# the baseline 'latest'. Builds go to Benchmarks/.build.
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/Benchmarks"
SCRATCH="$BENCH_DIR/.build"
TARGET="FinchBenchmarks"
LATEST="latest"
export PATH="/opt/swift/usr/bin:$PATH"

mode="run"
name=""
case "${1:-}" in
  -h | --help | help) usage ;;
  baseline | compare)
    mode="$1"
    [[ $# -ge 2 && -n "$2" && "$2" != -* ]] || usage
    name="$2"
    shift 2
    if [[ "$name" == "$LATEST" ]]; then
      echo "bench: '$LATEST' is the name every run is saved under; pick another baseline name" >&2
      exit 64
    fi
    ;;
  list) mode="list"; shift ;;
  run) shift ;;
esac

# A Swift toolchain (scripts/setup.sh installs Debian's where there is none) and
# python3 for the ratio table. The benchmark package needs nothing else: on
# Swift 6.3 its MallocInterposer trait counts mallocs without jemalloc.
bash "$ROOT/scripts/setup.sh" >/dev/null
if ! command -v python3 >/dev/null 2>&1; then
  echo "bench: installing python3" >&2
  apt-get update -qq && apt-get install -y -qq python3-minimal >/dev/null
fi

cd "$BENCH_DIR"

# Timings are only comparable between quiet runs: say so when the machine is busy.
busy_check() {
  local load cores
  load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
  cores="$(nproc 2>/dev/null || echo 1)"
  if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c * 0.75) }'; then
    echo "bench: warning: load average $load on $cores cores $1: wall-clock numbers will be noisy;" \
      "compare only runs made on a quiet machine (malloc counts are unaffected)" >&2
  fi
}

# The plugin warns on every call that Swift 6.3 on Linux wants its runtime
# interposer, and that it is not built: it is not, on purpose (only the
# MallocInterposer trait is on, and no ARC metric is measured). Drop those two lines.
quiet_stderr() {
  grep -v -e 'runtime interposer on Linux to avoid' -e 'Note: skipping LD_PRELOAD of' >&2 || true
}

benchmark() {
  swift package --scratch-path "$SCRATCH" --allow-writing-to-package-directory benchmark "$@" 2> >(quiet_stderr)
}

# Median (p50) of every benchmark and metric in a saved baseline, as TSV:
# benchmark, metric, value (times in ns, memory in bytes, counts as counts).
medians() {
  benchmark baseline read "$1" --target "$TARGET" --format influx --path stdout --no-progress |
    python3 -c '
import csv, sys
for row in csv.reader(sys.stdin):
    # measurement,host,cpu,processors,memory,kernel,metric,unit,test,percentile,value,...
    if len(row) >= 11 and row[0] == sys.argv[1] and row[9] == "50.0":
        print(row[8], row[6], row[10], sep="\t")
' "$TARGET"
}

# Prints one table from median files: one column per file, then ratios of the
# last column to the first when there are two.
table() {
  python3 - "$@" <<'PY'
import sys

files = sys.argv[1::2]
labels = sys.argv[2::2]
data = []
for f in files:
    d = {}
    with open(f) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                d[(parts[0], parts[1])] = float(parts[2])
    data.append(d)

METRICS = [  # (influx name, shown as, formatter, smaller is better)
    ("Time(wallclock)", "wall clock p50", lambda v: f"{v / 1e6:.3f} ms", True),
    ("Throughput(#/s)", "throughput p50", lambda v: f"{v:.0f} /s", False),
    ("Malloc(total)", "mallocs p50", lambda v: f"{v:.0f}", True),
    ("Memory(residentpeak)", "peak RSS p50", lambda v: f"{v / 1048576:.1f} MiB", True),
]
benches = sorted({b for d in data for (b, _) in d})
header = ["benchmark", "metric"] + labels
if len(data) == 2:
    header += [f"ratio {labels[1]}/{labels[0]}", ""]
rows = [header]
for b in benches:
    for key, shown, fmt, smaller in METRICS:
        vals = [d.get((b, key)) for d in data]
        if all(v is None for v in vals):
            continue
        row = [b, shown] + [fmt(v) if v is not None else "-" for v in vals]
        if len(data) == 2:
            old, new = vals
            if old is None or new is None:
                row += ["-", ""]
            elif old == 0:
                row += ["=" if new == 0 else "n/a", ""]
            else:
                r = new / old
                better = (r < 1) if smaller else (r > 1)
                note = "" if abs(r - 1) < 0.05 else ("better" if better else "worse")
                row += [f"{r:.3f}x", note]
        rows.append(row)
widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
for n, r in enumerate(rows):
    cells = [c.ljust(w) if i < 2 or i == len(r) - 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
    print("  ".join(cells).rstrip())
    if n == 0:
        print("  ".join("-" * w for w in widths).rstrip())
if len(data) == 2:
    print(f"\nratio = {labels[1]} / {labels[0]}; for wall clock, mallocs and RSS below 1 is faster/smaller,"
          " for throughput above 1 is faster. 'better'/'worse' marks changes over 5%.")
PY
}

baseline_exists() {
  [[ -f "$BENCH_DIR/.benchmarkBaselines/$TARGET/$1/results.json" ]]
}

if [[ "$mode" == compare ]] && ! baseline_exists "$name"; then
  echo "bench: no baseline '$name'; make it first with: scripts/bench.sh baseline $name" >&2
  echo "bench: saved baselines: $(ls "$BENCH_DIR/.benchmarkBaselines/$TARGET" 2>/dev/null | grep -vx "$LATEST" | tr '\n' ' ')" >&2
  exit 1
fi
[[ "$mode" == list ]] || busy_check "before the run"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

case "$mode" in
  list)
    benchmark baseline list
    ;;
  run)
    benchmark baseline update "$LATEST" --no-progress "$@"
    benchmark baseline read "$LATEST" --no-progress
    medians "$LATEST" >"$tmp/latest.tsv"
    echo
    echo "== Medians (saved as baseline '$LATEST')"
    table "$tmp/latest.tsv" "$LATEST"
    ;;
  baseline)
    benchmark baseline update "$name" --no-progress "$@"
    medians "$name" >"$tmp/base.tsv"
    echo
    echo "== Saved baseline '$name' (Benchmarks/.benchmarkBaselines/$TARGET/$name)"
    table "$tmp/base.tsv" "$name"
    ;;
  compare)
    benchmark baseline update "$LATEST" --no-progress "$@"
    # The framework's own side-by-side tables (every percentile, Δ and %).
    # Its exit status is not ours: with default thresholds it fails on noise.
    rc=0
    benchmark baseline compare "$name" "$LATEST" --no-progress || rc=$?
    medians "$name" >"$tmp/base.tsv"
    medians "$LATEST" >"$tmp/latest.tsv"
    echo
    echo "== Baseline '$name' vs this run ('$LATEST'), medians"
    table "$tmp/base.tsv" "$name" "$tmp/latest.tsv" "$LATEST"
    if [[ $rc -ne 0 ]]; then
      echo "(the benchmark plugin's threshold check exited $rc; see its tables above)"
    fi
    ;;
esac
[[ "$mode" == list ]] || busy_check "after the run"
